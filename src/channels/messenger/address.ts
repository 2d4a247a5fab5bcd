/** Until the profile lookup gives a name; the last digits tell two nameless customers apart. */
export function fallbackContactName(psid: string): string {
  return `Messenger user …${psid.slice(-4)}`;
}

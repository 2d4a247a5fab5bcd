/** Until the profile lookup gives a name; the last digits tell two nameless customers apart. */
export function fallbackContactName(igsid: string): string {
  return `Instagram user …${igsid.slice(-4)}`;
}

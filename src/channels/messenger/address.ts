/** Page ids and page-scoped user ids (PSIDs) are Graph object ids: 64-bit integers, written in digits. */
const graphId = /^\d{1,20}$/;

export function parsePageId(input: string): string | null {
  const trimmed = input.trim();
  return graphId.test(trimmed) ? trimmed : null;
}

export const isGraphId = (value: string) => graphId.test(value);

/** Until the profile lookup gives a name; the last digits tell two nameless customers apart. */
export function fallbackContactName(psid: string): string {
  return `Messenger user …${psid.slice(-4)}`;
}

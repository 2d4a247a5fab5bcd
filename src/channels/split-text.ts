/**
 * Providers cap a message's length (`capabilities.maxTextLength`), so a longer reply goes out as
 * consecutive parts. Parts break at a line break or a space in the second half of the window when there is
 * one, so words stay whole; limits count code points, so an emoji is never cut in half.
 */
export function splitText(text: string, limit: number): string[] {
  const characters = [...text];
  if (characters.length <= limit) return [text];
  const parts: string[] = [];
  let rest = characters;
  while (rest.length > limit) {
    const window = rest.slice(0, limit);
    const breakAt = window.lastIndexOf("\n") > limit / 2 ? window.lastIndexOf("\n") : window.lastIndexOf(" ");
    const cut = breakAt > limit / 2 ? breakAt + 1 : limit;
    parts.push(rest.slice(0, cut).join("").trimEnd());
    rest = rest.slice(cut);
  }
  if (rest.length > 0) parts.push(rest.join(""));
  return parts;
}

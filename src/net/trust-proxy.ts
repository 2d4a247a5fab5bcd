import net from "node:net";

/**
 * Which proxies' `X-Forwarded-For` is believed for a request's address (what the logs show): none (false), the
 * nearest N hops, or the proxies at these addresses. Believing every client would let anyone choose the
 * address written in the logs.
 */
export type TrustProxy = false | number | readonly string[];

/** The names proxy-addr (Fastify's) accepts for address ranges. */
const namedRanges = new Set(["loopback", "linklocal", "uniquelocal"]);

function addressEntryProblem(entry: string): string | null {
  if (namedRanges.has(entry)) return null;
  const [address = "", prefix, ...extra] = entry.split("/");
  const version = net.isIP(address);
  const maxPrefix = version === 4 ? 32 : 128;
  const prefixValid = prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= maxPrefix);
  return version !== 0 && prefixValid && extra.length === 0
    ? null
    : `"${entry}" is not an IP address, a CIDR range (10.0.0.0/8) or one of ${[...namedRanges].join(", ")}`;
}

/** `TRUST_PROXY`: a hop count, or addresses and ranges separated by commas; or what is wrong with it. */
export function parseTrustProxy(text: string): TrustProxy | { readonly problem: string } {
  if (/^\d+$/.test(text)) return Number(text) === 0 ? false : Number(text);
  const entries = text.split(",").map((entry) => entry.trim());
  const problems = entries.map(addressEntryProblem).filter((problem) => problem !== null);
  if (problems.length > 0) {
    return { problem: `must be a number of proxy hops or the proxies' addresses: ${problems.join("; ")}` };
  }
  return Object.freeze(entries);
}

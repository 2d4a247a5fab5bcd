/**
 * Host allow-lists for outbound downloads. An entry is one of:
 * - `name.example` or `name.example:8443` — exactly that host; without a port it matches only the scheme's
 *   default port (a URL that names another port is another service).
 * - `*.name.example` — any host under name.example, at any depth (`a.name.example`, `a.b.name.example`),
 *   on the default port; never `name.example` itself, never `evilname.example`. The suffix needs two labels,
 *   so `*.com` is refused.
 * Matching is case-insensitive (URLs are lower-cased by the parser). Only https is allowed, except for a
 * loopback host listed exactly (`127.0.0.1:4000`, `localhost:4000`, `[::1]:4000`), which tests serve over http.
 */

export interface HostList {
  /** The entries as configured, for messages and logs. */
  readonly entries: readonly string[];
  /** null when the URL may be requested; otherwise why not, in plain words. */
  refusal(url: URL): string | null;
}

const label = "[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?";
const hostPattern = new RegExp(`^(?:${label}(?:\\.${label})*|\\[[0-9a-f:.]+\\])(?::\\d{1,5})?$`);
const wildcardPattern = new RegExp(`^\\*\\.${label}(?:\\.${label})+$`);

/** Why an entry is malformed, or null when it is a valid host pattern. */
export function hostEntryProblem(entry: string): string | null {
  if (entry.startsWith("*")) {
    return wildcardPattern.test(entry) ? null : `"${entry}" must look like *.example.com`;
  }
  return hostPattern.test(entry)
    ? null
    : `"${entry}" is not a host name (host or host:port, no scheme or path)`;
}

export function isLoopbackHostname(hostname: string): boolean {
  return hostname === "localhost" || hostname === "[::1]" || /^127(?:\.\d{1,3}){3}$/.test(hostname);
}

function matches(entry: string, url: URL): boolean {
  if (entry.startsWith("*.")) return url.port === "" && url.hostname.endsWith(entry.slice(1));
  return url.host === entry;
}

export function hostList(
  entries: readonly string[],
  notListed: (url: URL) => string = (url) => `${shownHost(url)} is not an allowed host`,
): HostList {
  const normalized = entries.map((entry) => entry.trim().toLowerCase()).filter(Boolean);
  return {
    entries: normalized,
    refusal(url) {
      if (url.username || url.password) return "the link carries a user name or password";
      if (url.protocol !== "https:" && url.protocol !== "http:")
        return `${url.protocol} links are not downloaded`;
      if (!normalized.some((entry) => matches(entry, url))) return notListed(url);
      if (url.protocol === "http:" && !isLoopbackHostname(url.hostname)) return "the link is not https";
      return null;
    },
  };
}

/**
 * A URL's host for a message the agent reads in Slack: a host name can carry `&`, which Slack would read as
 * markup, so anything but the characters of ordinary host names is blanked out.
 */
export const shownHost = (url: URL): string => url.host.replace(/[^a-z0-9.:[\]-]/gi, "?");

/** A comma-separated list, as in an environment variable. */
export function parseHostList(value: string): string[] {
  return value
    .split(",")
    .map((entry) => entry.trim().toLowerCase())
    .filter(Boolean);
}

/** The host of a configured base URL (TWILIO_API_URL, SLACK_API_URL), as an exact entry. */
export const hostOf = (baseUrl: string): string => new URL(baseUrl).host;

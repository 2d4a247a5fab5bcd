import { DeliveryError } from "../core/errors.js";
import { mediaTransfers } from "./transfer-slots.js";

/**
 * How one kind of file may be downloaded. Every request, the first and each redirect, is checked by
 * `refusal` before it is made, and gets only the headers `headers` gives for its URL, so credentials reach
 * exactly the hosts that should have them.
 */
export interface DownloadPolicy {
  /** Who serves the files, for messages: a provider's name, "Slack". */
  readonly source: string;
  /** null when the URL may be requested; otherwise why not, in words the agent can read. */
  readonly refusal: (url: URL) => string | null;
  readonly headers?: (url: URL) => Record<string, string>;
  readonly maxBytes: number;
}

export interface Downloaded {
  readonly bytes: Uint8Array;
  /** The media type the server declared, without parameters, lower-cased; "" when it declared none. */
  readonly contentType: string;
  /** Where the bytes came from, after redirects. */
  readonly url: URL;
}

const maxRedirects = 3;
const timeoutMs = 30_000;

const refused = (reason: string) => new DeliveryError("MEDIA_URL_REFUSED", reason, { transient: false });

const tooLarge = (limit: number) =>
  new DeliveryError("FILE_TOO_LARGE", `the file is larger than ${Math.round(limit / 1048576)} MB`, {
    transient: false,
  });

/**
 * Downloads a file under `policy`, holding one of the process's media transfer slots. Redirects are followed
 * by hand (at most three) so each hop is checked; the size cap is applied to the bytes as they arrive and
 * the connection is dropped as soon as it is passed.
 */
export function download(link: string, policy: DownloadPolicy): Promise<Downloaded> {
  return mediaTransfers.run(() => follow(link, policy));
}

async function follow(link: string, policy: DownloadPolicy): Promise<Downloaded> {
  const stop = new AbortController();
  const signal = AbortSignal.any([stop.signal, AbortSignal.timeout(timeoutMs)]);
  let url = parse(link);
  for (let hop = 0; ; hop++) {
    const refusal = policy.refusal(url);
    if (refusal) throw refused(hop === 0 ? refusal : `it redirected elsewhere: ${refusal}`);
    const response = await fetch(url, {
      headers: policy.headers?.(url) ?? {},
      redirect: "manual",
      signal,
    }).catch((error: unknown) => {
      throw unreachable(policy, error);
    });
    if (response.status >= 300 && response.status < 400) {
      await response.body?.cancel();
      const location = response.headers.get("location");
      if (!location) throw failed(policy, response.status);
      if (hop >= maxRedirects) throw refused(`${policy.source} redirected more than ${maxRedirects} times`);
      url = parse(location, url);
      continue;
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw failed(policy, response.status);
    }
    const bytes = await readLimited(response, policy.maxBytes, stop).catch((error: unknown) => {
      throw error instanceof DeliveryError ? error : unreachable(policy, error);
    });
    const contentType = (response.headers.get("content-type")?.split(";")[0] ?? "").trim().toLowerCase();
    return { bytes, contentType, url };
  }
}

function parse(link: string, base?: URL): URL {
  try {
    return new URL(link, base);
  } catch {
    throw refused("the link is not a valid URL");
  }
}

const unreachable = (policy: DownloadPolicy, cause: unknown) =>
  new DeliveryError("MEDIA_UNREACHABLE", `could not reach ${policy.source} for the file`, {
    transient: true,
    cause,
  });

// 403/404: a signed link expired or the file was removed; it will not come back.
const failed = (policy: DownloadPolicy, status: number) =>
  new DeliveryError("MEDIA_DOWNLOAD_FAILED", `${policy.source} answered ${status} for the file`, {
    transient: status >= 500 || status === 429,
  });

/** Reads the body, aborting the request once it passes `limit` bytes (or says up front that it will). */
async function readLimited(response: Response, limit: number, stop: AbortController): Promise<Uint8Array> {
  if (Number(response.headers.get("content-length") ?? 0) > limit) {
    stop.abort();
    throw tooLarge(limit);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = response.body?.getReader();
  for (;;) {
    const chunk = await reader?.read();
    if (!chunk || chunk.done) break;
    size += chunk.value.byteLength;
    if (size > limit) {
      stop.abort();
      throw tooLarge(limit);
    }
    chunks.push(chunk.value);
  }
  return Buffer.concat(chunks);
}

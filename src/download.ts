import { DeliveryError } from "./errors.js";

const tooLarge = (limit: number) =>
  new DeliveryError("FILE_TOO_LARGE", `the file is larger than ${Math.round(limit / 1048576)} MB`, {
    transient: false,
  });

/** Reads a response body, refusing it as soon as it passes `limit` bytes. */
export async function readLimited(response: Response, limit: number): Promise<Uint8Array> {
  if (Number(response.headers.get("content-length") ?? 0) > limit) throw tooLarge(limit);
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body ?? []) {
    size += chunk.byteLength;
    if (size > limit) throw tooLarge(limit);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

import { blockErrors, withBlockIds } from "./blocks.js";
import type { Json, MessageMetadata } from "./types.js";

/* Reading a Web API method's arguments as Slack does (form or JSON bodies), its errors, and its cursor pages. */

export type Args = Record<string, unknown>;

/** Thrown by a method to answer HTTP 200 `{ok:false,error}`, as Slack does for every API error. */
export class SlackApiError extends Error {
  constructor(
    readonly code: string,
    readonly extra: Json = {},
  ) {
    super(code);
  }
}

export function fail(code: string, extra?: Json): never {
  throw new SlackApiError(code, extra);
}

export const MAX_TEXT = 40_000;

export function str(args: Args, key: string): string | undefined {
  const value = args[key];
  if (typeof value === "string") return value === "" ? undefined : value;
  if (typeof value === "number") return String(value);
  return undefined;
}

export function bool(args: Args, key: string): boolean {
  const value = args[key];
  return value === true || value === "true" || value === "1" || value === 1;
}

/** Form bodies carry objects as JSON strings; JSON bodies carry them as they are. */
export function jsonArg(args: Args, key: string, error: string): unknown {
  const value = args[key];
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value);
  } catch {
    return fail(error);
  }
}

export function blocksArg(args: Args): Json[] | undefined {
  const blocks = jsonArg(args, "blocks", "invalid_blocks_format");
  if (blocks === undefined || blocks === null) return undefined;
  if (!Array.isArray(blocks)) return fail("invalid_blocks_format");
  const errors = blockErrors(blocks);
  if (errors.length > 0) {
    fail("invalid_blocks", { errors, response_metadata: { messages: errors.map((e) => `[ERROR] ${e}`) } });
  }
  return withBlockIds(blocks);
}

export function attachmentsArg(args: Args): Json[] | undefined {
  const attachments = jsonArg(args, "attachments", "invalid_attachments");
  if (attachments === undefined || attachments === null) return undefined;
  if (!Array.isArray(attachments)) return fail("invalid_attachments");
  if (attachments.length > 100) fail("too_many_attachments");
  return attachments;
}

export function metadataArg(args: Args): MessageMetadata | undefined {
  const metadata = jsonArg(args, "metadata", "invalid_metadata_format");
  if (metadata === undefined || metadata === null) return undefined;
  const candidate = metadata as Partial<MessageMetadata>;
  if (typeof candidate.event_type !== "string" || typeof candidate.event_payload !== "object") {
    return fail("invalid_metadata_format");
  }
  return candidate as MessageMetadata;
}

/** Defined values only, so stored messages compare cleanly with toEqual/toMatchObject. */
export function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function encodeCursor(offset: number): string {
  return Buffer.from(`offset:${offset}`).toString("base64");
}

function decodeCursor(cursor: string | undefined): number {
  if (!cursor) return 0;
  const match = /^offset:(\d+)$/.exec(Buffer.from(cursor, "base64").toString("utf8"));
  if (!match) return fail("invalid_cursor");
  return Number(match[1]);
}

/** Slack's largest page is 1,000 items, and it may return fewer than asked: `maxPageSize` lowers the cap. */
export function page<T>(
  items: T[],
  args: Args,
  defaultLimit: number,
  maxPageSize = 1000,
): { items: T[]; nextCursor: string } {
  const asked = Number(str(args, "limit") ?? defaultLimit) || defaultLimit;
  const limit = Math.min(Math.max(asked, 1), 1000, maxPageSize);
  const offset = decodeCursor(str(args, "cursor"));
  const end = offset + limit;
  return { items: items.slice(offset, end), nextCursor: end < items.length ? encodeCursor(end) : "" };
}

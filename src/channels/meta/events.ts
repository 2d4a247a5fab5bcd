import { z } from "zod";
import type { Attachment, ChannelKind, DeliveryReport, InboundMessage } from "../../core/model.js";
import { isGraphId } from "./address.js";

/*
 * What a Meta webhook entry's `messaging` list says (Messenger and Instagram share the shape): its events,
 * checked and read as messages, delivery and read reports. Each channel adds what only it sends.
 */

export type MetaEvent =
  | { readonly type: "message"; readonly inbound: InboundMessage }
  | { readonly type: "report"; readonly report: DeliveryReport }
  | { readonly type: "echo"; readonly mid: string | undefined }
  | { readonly type: "ignored"; readonly reason: string };

const party = z.object({ id: z.string().refine(isGraphId, "is not a Graph id") });

const linkSchema = z.object({
  title: z.string().optional(),
  url: z.string().optional(),
  item_url: z.string().optional(),
  default_action: z.object({ url: z.string().optional() }).nullish(),
});

// URLs are plain strings here: a link that does not parse must not cost the customer's whole message.
const attachmentSchema = z.object({
  type: z.string(),
  // Older shares put the link next to the payload (`"payload": null`).
  title: z.string().nullish(),
  url: z.string().nullish(),
  payload: z
    .object({
      url: z.string().optional(),
      title: z.string().optional(),
      elements: z.array(linkSchema).optional(),
    })
    .nullish(),
});

const messageSchema = z.object({
  mid: z.string().min(1),
  is_echo: z.boolean().optional(),
  text: z.string().optional(),
  attachments: z.array(attachmentSchema).optional(),
  // Instagram: the story a message answers (its CDN link expires with the story).
  reply_to: z
    .object({ story: z.object({ url: z.string().optional(), id: z.string().optional() }).optional() })
    .optional(),
});

const eventSchema = z.object({
  sender: party,
  recipient: party,
  timestamp: z.number().int().positive().optional(),
  message: messageSchema.optional(),
  delivery: z
    .object({ mids: z.array(z.string()).optional(), watermark: z.number().int().nonnegative() })
    .optional(),
  // Messenger reads up to a watermark; Instagram names the message seen.
  read: z
    .object({ watermark: z.number().int().nonnegative().optional(), mid: z.string().optional() })
    .refine((read) => read.watermark !== undefined || read.mid !== undefined, "has no watermark or mid")
    .optional(),
});

export type MetaMessage = z.infer<typeof messageSchema>;

/** What a Meta channel reads differently: its name, its kind, and the parts of a message only it sends. */
export interface MetaMessaging {
  readonly kind: ChannelKind;
  readonly platform: string;
  /** Attachment types that are links to something, not files, in words ("Mentioned you in their story"). */
  readonly linkedAttachments?: Readonly<Record<string, string>>;
  /** Lines the message's context adds before its text (the story it replies to). */
  readonly contextLines?: (message: MetaMessage) => string[];
}

type ParsedEvent = z.infer<typeof eventSchema>;
type AttachmentPayload = z.infer<typeof attachmentSchema>;

/** Only these are files; everything else (shared links, templates, reels…) is shown as links, never fetched. */
const downloadableTypes: Record<string, string> = {
  image: "Image",
  video: "Video",
  audio: "Audio",
  file: "File",
};

const webUrl = (text: string): URL | null => {
  const url = URL.canParse(text) ? new URL(text) : null;
  return url && (url.protocol === "https:" || url.protocol === "http:") ? url : null;
};

function fileNameOf(url: URL): string {
  const last = url.pathname.split("/").pop() ?? "";
  try {
    return decodeURIComponent(last);
  } catch {
    return last; // not valid percent-encoding: the name as it is written
  }
}

/**
 * Images, videos and audio carry a `type/*` content type so they can be told apart; files are named after
 * the file when the URL shows its name.
 */
function toFile(type: string, url: URL, title: string | undefined): Attachment {
  const fileName = fileNameOf(url);
  const name =
    title ?? (type === "file" && fileName.includes(".") ? fileName : undefined) ?? downloadableTypes[type];
  const contentType = type === "file" ? undefined : `${type}/*`;
  return { url: url.href, name, ...(contentType ? { contentType } : {}) };
}

/** The links a share carries, each as a line of the message's text (escaped with it when posted). */
function linkLines(attachment: AttachmentPayload): string[] {
  const links = [
    {
      title: attachment.payload?.title ?? attachment.title ?? undefined,
      url: attachment.payload?.url ?? attachment.url,
    },
    ...(attachment.payload?.elements ?? []).map((element) => ({
      title: element.title,
      url: element.default_action?.url ?? element.item_url ?? element.url,
    })),
  ];
  return links.flatMap(({ title, url }) => (url ? [`🔗 ${title ? `${title}: ` : ""}${url}`] : []));
}

type Part = { readonly file: Attachment } | { readonly lines: string[] };

function toPart(attachment: AttachmentPayload, messaging: MetaMessaging): Part {
  const url = webUrl(attachment.payload?.url ?? "");
  if (Object.hasOwn(downloadableTypes, attachment.type) && url) {
    return { file: toFile(attachment.type, url, attachment.payload?.title) };
  }
  const linked = messaging.linkedAttachments?.[attachment.type];
  if (linked) return { lines: [`🔗 ${linked}${url ? `: ${url.href}` : ""}`] };
  const lines = linkLines(attachment);
  if (lines.length > 0) return { lines };
  // Shares Messenger does not pass on (type "fallback" without a URL) still tell the agent something came.
  const what = attachment.type === "fallback" ? "something" : `a ${attachment.type}`;
  return { lines: [`(sent ${what} ${messaging.platform} does not pass on)`] };
}

function toInbound(event: ParsedEvent, message: MetaMessage, messaging: MetaMessaging): InboundMessage {
  const parts = (message.attachments ?? []).map((attachment) => toPart(attachment, messaging));
  const context = messaging.contextLines?.(message) ?? [];
  return {
    kind: messaging.kind,
    inboxAddress: event.recipient.id,
    contactAddress: event.sender.id,
    providerMessageId: message.mid,
    text: [...context, message.text ?? "", ...parts.flatMap((part) => ("lines" in part ? part.lines : []))]
      .filter(Boolean)
      .join("\n"),
    attachments: parts.flatMap((part) => ("file" in part ? [part.file] : [])),
    // When the customer wrote, not when the webhook arrived: Meta retries for hours, and the reply
    // window counts from the message.
    receivedAt: event.timestamp ? new Date(event.timestamp) : new Date(),
  };
}

function toEvent(raw: unknown, messaging: MetaMessaging): MetaEvent {
  // Echoes have sender and recipient swapped and are checked first, so their shape never matters.
  const rawMessage = (raw as { message?: { is_echo?: unknown; mid?: unknown } } | null)?.message;
  if (rawMessage?.is_echo === true) {
    return { type: "echo", mid: typeof rawMessage.mid === "string" ? rawMessage.mid : undefined };
  }
  const parsed = eventSchema.safeParse(raw);
  if (!parsed.success) {
    return {
      type: "ignored",
      reason: `malformed event: ${parsed.error.issues.map((i) => `${i.path.join(".")} ${i.message}`).join("; ")}`,
    };
  }
  const event = parsed.data;
  if (event.message) return { type: "message", inbound: toInbound(event, event.message, messaging) };
  const common = {
    kind: messaging.kind,
    inboxAddress: event.recipient.id,
    contactAddress: event.sender.id,
  } as const;
  if (event.delivery) {
    return {
      type: "report",
      report: {
        ...common,
        status: "delivered",
        providerMessageIds: event.delivery.mids ?? [],
        upTo: new Date(event.delivery.watermark),
      },
    };
  }
  if (event.read) {
    return {
      type: "report",
      report: {
        ...common,
        status: "read",
        providerMessageIds: event.read.mid ? [event.read.mid] : [],
        upTo: event.read.watermark === undefined ? null : new Date(event.read.watermark),
      },
    };
  }
  const kinds = Object.keys(raw as object).filter((k) => !["sender", "recipient", "timestamp"].includes(k));
  return { type: "ignored", reason: `unhandled event type: ${kinds.join(", ") || "(none)"}` };
}

/** A Meta channel as the shared webhook sees it: what it reads, and the webhook `object` it handles. */
export interface MetaMessagingChannel extends MetaMessaging {
  readonly object: string;
}

const envelopeSchema = z.object({
  object: z.string({ error: "object is missing" }),
  entry: z.array(
    z.object({ messaging: z.array(z.unknown(), { error: "entry.messaging must be a list" }).optional() }),
    { error: "entry must be a list" },
  ),
});

/**
 * A notification body → the channel whose `object` it carries and its events, in the order Meta sent them
 * (entries, then each entry's messaging list). A body no channel reads is a problem; an event that cannot be
 * understood is reported as ignored, so one odd event does not make Meta redeliver the whole batch.
 */
export function parseNotification(
  body: unknown,
  channels: readonly MetaMessagingChannel[],
): { channel: MetaMessagingChannel; events: MetaEvent[] } | { problem: string } {
  const parsed = envelopeSchema.safeParse(body);
  if (!parsed.success) {
    return {
      problem: parsed.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; "),
    };
  }
  const channel = channels.find((candidate) => candidate.object === parsed.data.object);
  if (!channel) {
    const objects = channels.map((candidate) => `"${candidate.object}"`).join(" or ");
    return {
      problem: `object must be ${objects} (a subscription Threadline bridges), not "${parsed.data.object}"`,
    };
  }
  const events = parsed.data.entry.flatMap((entry) =>
    (entry.messaging ?? []).map((raw) => toEvent(raw, channel)),
  );
  return { channel, events };
}

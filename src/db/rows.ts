import type {
  Attachment,
  ChannelKind,
  Contact,
  Conversation,
  Inbox,
  Message,
  MessageStatus,
  SentPart,
  TeamSettings,
} from "../core/model.js";
import { sqliteDate } from "./sqlite/dates.js";

/* Rows as better-sqlite3 returns them (numbers, 0/1, date text) to the core's model, and values back. */

type Row = Record<string, unknown>;

/** Prisma writes ISO 8601 with an offset; CURRENT_TIMESTAMP defaults are "YYYY-MM-DD HH:MM:SS" in UTC. */
export function dateFrom(value: unknown): Date {
  if (value instanceof Date) return value;
  if (typeof value === "number") return new Date(value);
  const text = String(value);
  return new Date(/[zZ]|[+-]\d\d:\d\d$/.test(text) ? text : `${text.replace(" ", "T")}Z`);
}

export const optionalDate = (value: unknown) =>
  value === null || value === undefined ? null : dateFrom(value);
export const text = (value: unknown) => (value === null || value === undefined ? null : String(value));

/** A value for a statement parameter. */
export function columnValue(value: unknown): unknown {
  if (value instanceof Date) return sqliteDate(value);
  if (typeof value === "boolean") return value ? 1 : 0;
  if (value === undefined) return null;
  // Lists are read with json_each (src/db/sqlite/sql.ts).
  if (Array.isArray(value)) return JSON.stringify(value);
  return value;
}

export const toInbox = (row: Row): Inbox => ({
  id: Number(row.id),
  kind: row.kind as ChannelKind,
  address: String(row.address),
  slackChannelId: text(row.slackChannelId),
  connectedBy: text(row.connectedBy),
  connectedAt: optionalDate(row.connectedAt),
  deliveryProblem: text(row.deliveryProblem),
});

export const toContact = (row: Row): Contact => ({
  id: Number(row.id),
  kind: row.kind as ChannelKind,
  address: String(row.address),
  displayName: text(row.displayName),
  avatarUrl: text(row.avatarUrl),
});

export const toConversation = (row: Row): Conversation => ({
  id: Number(row.id),
  inboxId: Number(row.inboxId),
  contactId: Number(row.contactId),
  status: row.status as Conversation["status"],
  optedOut: Boolean(row.optedOut),
  assigneeId: text(row.assigneeId),
  closedBy: text(row.closedBy),
  closedAt: optionalDate(row.closedAt),
  slackChannelId: text(row.slackChannelId),
  slackThreadTs: text(row.slackThreadTs),
  lastInboundAt: optionalDate(row.lastInboundAt),
  awayRepliedUntil: optionalDate(row.awayRepliedUntil),
  unansweredSince: optionalDate(row.unansweredSince),
});

export const toTeamSettings = (row: Row): TeamSettings => ({
  hours: text(row.hours),
  awayMessage: text(row.awayMessage),
  slaMinutes: row.slaMinutes === null || row.slaMinutes === undefined ? null : Number(row.slaMinutes),
});

export const toMessage = (row: Row): Message => ({
  id: Number(row.id),
  conversationId: Number(row.conversationId),
  direction: row.direction as Message["direction"],
  body: String(row.body),
  attachments: JSON.parse(String(row.attachments)) as Attachment[],
  providerMessageId: text(row.providerMessageId),
  slackChannelId: text(row.slackChannelId),
  slackTs: text(row.slackTs),
  authorSlackUserId: text(row.authorSlackUserId),
  status: row.status as MessageStatus,
  errorCode: text(row.errorCode),
  errorMessage: text(row.errorMessage),
  createdAt: dateFrom(row.createdAt),
});

export const toSentPart = (row: Row): SentPart => ({
  messageId: Number(row.messageId),
  index: Number(row.index),
  providerMessageId: String(row.providerMessageId),
  status: row.status as MessageStatus,
});

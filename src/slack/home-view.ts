import type { KnownBlock } from "@slack/types";
import type { HomeItem, HomeView } from "../core/ports/home.js";
import { escapeForSlack } from "../core/text.js";
import { slackDate } from "./blocks.js";

/** Slack's limit for a home tab. */
const maxBlocks = 100;
/** Inboxes shown; a person in more channels than this sees the first ones. */
const maxInboxes = 20;

/** A link to the thread in the workspace (`https://<team>.slack.com/archives/<channel>/p<ts without dot>`). */
export function threadUrl(workspaceUrl: string, channelId: string, threadTs: string): string {
  return `${workspaceUrl.replace(/\/?$/, "/")}archives/${channelId}/p${threadTs.replace(".", "")}`;
}

/** "4 min", "2 h 05 min", "3 d 4 h": how long a customer has waited. */
export function waitedFor(ms: number): string {
  const minutes = Math.max(0, Math.floor(ms / 60_000));
  if (minutes < 1) return "less than a minute";
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ${String(minutes % 60).padStart(2, "0")} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

function link(item: HomeItem, workspaceUrl: string): string {
  // `|` and `>` end a link's text in mrkdwn; escapeForSlack takes care of `>`.
  const title = escapeForSlack(item.title).replaceAll("|", "¦");
  return item.slackChannelId && item.slackThreadTs
    ? `<${threadUrl(workspaceUrl, item.slackChannelId, item.slackThreadTs)}|*${title}*>`
    : `*${title}* (no thread yet)`;
}

function waiting(item: HomeItem, at: Date): string {
  if (!item.waitingSince) return "answered, nothing waiting";
  const over = item.overTarget ? ` · ⏱️ over the ${item.overTarget} target` : "";
  return `waiting ${waitedFor(at.getTime() - item.waitingSince.getTime())}${over}`;
}

const section = (text: string): KnownBlock => ({ type: "section", text: { type: "mrkdwn", text } });
const context = (text: string): KnownBlock => ({ type: "context", elements: [{ type: "mrkdwn", text }] });
const more = (shown: number, total: number) => (total > shown ? `…and ${total - shown} more` : null);

/** The home tab: your conversations, the unassigned ones of your inboxes, your reminders, with counts. */
export function homeBlocks(home: HomeView, workspaceUrl: string): KnownBlock[] {
  const { assigned, inboxes, reminders, at } = home;
  const unassigned = inboxes.reduce((sum, inbox) => sum + inbox.total, 0);
  const blocks: KnownBlock[] = [
    { type: "header", text: { type: "plain_text", text: "Your conversations" } },
    context(
      `*${assigned.total}* open assigned to you  ·  *${unassigned}* unassigned in your inboxes  ·  *${reminders.length}* ${reminders.length === 1 ? "reminder" : "reminders"}`,
    ),
  ];
  if (home.paused) {
    blocks.push(
      section(
        "⏸️ *Paused:* no conversation is assigned to you automatically. `/threadline resume` puts you back in the rotation.",
      ),
    );
  }
  if (assigned.items.length === 0) blocks.push(section("Nothing is assigned to you. 🎉"));
  for (const item of assigned.items) {
    blocks.push(section(`${link(item, workspaceUrl)} · ${item.channelLabel}\n${waiting(item, at)}`));
  }
  const assignedMore = more(assigned.items.length, assigned.total);
  if (assignedMore) blocks.push(context(assignedMore));

  blocks.push({ type: "divider" }, { type: "header", text: { type: "plain_text", text: "Unassigned" } });
  if (inboxes.length === 0) {
    blocks.push(section("You are not in any channel with a connected inbox."));
  }
  for (const inbox of inboxes.slice(0, maxInboxes)) {
    const lines = inbox.items.map((item) => `• ${link(item, workspaceUrl)} — ${waiting(item, at)}`);
    const extra = more(inbox.items.length, inbox.total);
    if (extra) lines.push(extra);
    blocks.push(
      section(
        [
          `*${escapeForSlack(inbox.label)}* in <#${inbox.slackChannelId}> — ${inbox.total} unassigned`,
          ...lines,
        ].join("\n"),
      ),
    );
  }

  blocks.push({ type: "divider" }, { type: "header", text: { type: "plain_text", text: "Your reminders" } });
  blocks.push(
    section(
      reminders.length === 0
        ? "No reminders. Set one with *Remind me* (the ⋯ menu on a conversation)."
        : reminders
            .slice(0, 30)
            .map((r) => `⏰ ${slackDate(r.runAt)} — ${link(r.item, workspaceUrl)}`)
            .join("\n"),
    ),
  );
  if (home.scheduled.length > 0) {
    blocks.push(
      { type: "divider" },
      { type: "header", text: { type: "plain_text", text: "Your scheduled messages" } },
      section(
        home.scheduled
          .map(
            (message) =>
              `🕘 ${slackDate(message.sendAt)} — <${threadUrl(workspaceUrl, message.slackChannelId, message.threadTs)}|${message.preview.replaceAll("|", "¦").replace(/\s+/g, " ")}>`,
          )
          .join("\n"),
      ),
    );
  }
  return blocks.slice(0, maxBlocks);
}

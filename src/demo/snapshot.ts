import type { GraphSimulator } from "../simulators/meta/simulator.js";
import type { SlackSimulator } from "../simulators/slack/simulator.js";
import type { Json, StoredMessage } from "../simulators/slack/types.js";
import type { TwilioSimulator } from "../simulators/twilio/simulator.js";
import { customers, inboxNumber, supportChannel, teammates } from "./cast.js";
import type { PhoneInbound } from "./driver.js";
import { samplePictures } from "./samples.js";

/** What the page shows: the channel as Slack would render it to its members, and each customer's phone. */
export interface DemoSnapshot {
  readonly inbox: string;
  readonly channel: { readonly id: string; readonly name: string };
  readonly teammates: readonly { id: string; name: string }[];
  /** `number` is the customer's address: a phone number, or an Instagram-scoped id for `channel` instagram. */
  readonly customers: readonly { number: string; name: string; channel: string }[];
  readonly pictures: readonly { id: string; label: string }[];
  /** Slack user or channel id → the name Slack shows, for mentions and authors. */
  readonly names: Record<string, string>;
  readonly botUserId: string;
  readonly messages: readonly SlackMessageView[];
  readonly ephemerals: readonly EphemeralView[];
  /** Each teammate's Home tab, as the app last published it (absent until they open it). */
  readonly homes: Record<string, readonly Json[]>;
  readonly phones: Record<string, readonly PhoneMessageView[]>;
}

export interface SlackMessageView {
  readonly ts: string;
  readonly user: string;
  /** The name a bot post is shown under (the app posts customers' messages under the customer's name). */
  readonly username: string | null;
  readonly text: string;
  readonly blocks: readonly Json[];
  readonly files: readonly { id: string; name: string; mimetype: string; url: string }[];
  readonly reactions: readonly { name: string; users: readonly string[] }[];
  readonly edited: boolean;
  readonly replies: readonly SlackMessageView[];
}

export interface EphemeralView {
  readonly ts: string;
  readonly user: string;
  readonly text: string;
  readonly blocks: readonly Json[];
  readonly threadTs: string | null;
}

export interface PhoneMessageView {
  readonly direction: "in" | "out";
  readonly body: string;
  readonly media: readonly string[];
  readonly at: number;
  /** Twilio's status for replies; "received" or "refused" for what the customer sent. */
  readonly status: string;
}

export function demoSnapshot(
  slack: SlackSimulator,
  twilio: TwilioSimulator,
  graph: GraphSimulator,
  inbound: readonly PhoneInbound[],
): DemoSnapshot {
  const names: Record<string, string> = {};
  for (const user of slack.users.values()) names[user.id] = user.displayName || user.realName || user.name;
  names[supportChannel.id] = supportChannel.name;
  const reactionsOf = (message: StoredMessage) => {
    const users = new Map<string, string[]>();
    for (const reaction of slack.reactions)
      if (reaction.channel === message.channel && reaction.timestamp === message.ts)
        users.set(reaction.name, [...(users.get(reaction.name) ?? []), reaction.user]);
    return [...users].map(([name, who]) => ({ name, users: who }));
  };
  const view = (message: StoredMessage, replies: readonly SlackMessageView[]): SlackMessageView => ({
    ts: message.ts,
    user: message.user ?? "",
    username: message.username ?? null,
    text: message.text,
    blocks: message.blocks ?? [],
    files: (message.files ?? []).map((file) => ({
      id: file.id,
      name: file.name,
      mimetype: file.mimetype,
      url: `/demo/slack-files/${file.id}`,
    })),
    reactions: reactionsOf(message),
    edited: message.edited !== undefined,
    replies,
  });
  const messages = slack.topLevelMessages(supportChannel.id).map((parent) =>
    view(
      parent,
      slack.threadReplies(supportChannel.id, parent.ts).map((reply) => view(reply, [])),
    ),
  );
  const ephemerals = slack.ephemerals
    .filter((shown) => shown.channel === supportChannel.id)
    .map((shown) => ({
      ts: shown.ts,
      user: shown.user,
      text: shown.text,
      blocks: shown.blocks ?? [],
      threadTs: shown.thread_ts ?? null,
    }));
  return {
    inbox: inboxNumber,
    channel: supportChannel,
    teammates: teammates.map((teammate) => ({ id: teammate.id, name: teammate.realName })),
    customers,
    pictures: samplePictures.map(({ id, label }) => ({ id, label })),
    names,
    botUserId: slack.botUserId,
    messages,
    ephemerals,
    homes: Object.fromEntries(
      [...slack.homes].map(([user, home]) => [user, (home.view.blocks as Json[] | undefined) ?? []]),
    ),
    phones: phones(twilio, graph, inbound),
  };
}

/** What Instagram delivered: the Send API's messages to the customer (text, or one picture's link). */
function instagramReplies(graph: GraphSimulator, igsid: string): PhoneMessageView[] {
  return graph.sends
    .filter((send) => send.body.recipient.id === igsid)
    .map((send) => ({
      direction: "out" as const,
      body: send.body.message.text ?? "",
      media: send.body.message.attachment?.payload.url ? [send.body.message.attachment.payload.url] : [],
      at: send.at.getTime(),
      status: "delivered",
    }));
}

function phones(
  twilio: TwilioSimulator,
  graph: GraphSimulator,
  inbound: readonly PhoneInbound[],
): Record<string, PhoneMessageView[]> {
  const byCustomer: Record<string, PhoneMessageView[]> = {};
  for (const customer of customers) {
    const sent = inbound
      .filter((text) => text.customer === customer.number)
      .map((text) => ({
        direction: "in" as const,
        body: text.body,
        media: text.pictureId ? [`/demo/pictures/${text.pictureId}.png`] : [],
        at: text.at,
        status: text.status === 200 ? "received" : "refused",
      }));
    const received =
      customer.channel === "instagram"
        ? instagramReplies(graph, customer.number)
        : twilio.sent
            .filter((reply) => reply.To === customer.number)
            .map((reply) => ({
              direction: "out" as const,
              body: reply.Body,
              media: reply.MediaUrl,
              at: reply.at.getTime(),
              status: reply.status,
            }));
    byCustomer[customer.number] = [...sent, ...received].sort((a, b) => a.at - b.at);
  }
  return byCustomer;
}

import type { Teammate } from "../assignment.js";
import type { InboxPolicy } from "../inbox-policy.js";
import type { ChannelMembership } from "../membership.js";
import type { AutoAssignments, Rotation } from "../ports/auto-assignment.js";
import type { CoreLogger } from "../ports/logger.js";
import type { SlackPort } from "../ports/slack.js";
import type { ConversationStore } from "../ports/store.js";

/** `autoassign [off | channel | <people…>]` (no words: show it), `pause`, `resume`. */
export type RotationCommand =
  | { readonly name: "autoassign"; readonly words: readonly string[] }
  | { readonly name: "pause" | "resume" };

interface Context {
  readonly channelId: string;
  readonly userId: string;
}

const changing = "change automatic assignment";
const example = "`/threadline autoassign @ana @ben` (or `autoassign channel`, `autoassign off`)";

/** `<@U123>` or `<@U123|ana>` as Slack escapes a mention; otherwise a handle or name, with or without `@`. */
const escapedMention = /^<@([A-Z0-9]+)(?:\|[^>]*)?>$/;

/** Who a word names among the channel's people: their id, handle, display name or real name, ignoring case. */
function personNamed(word: string, people: readonly Teammate[]): Teammate | undefined {
  const id = escapedMention.exec(word)?.[1];
  if (id) return people.find((person) => person.id === id);
  const name = word.replace(/^@/, "").toLocaleLowerCase();
  return people.find((person) =>
    [person.handle, person.displayName, person.realName, person.id].some(
      (candidate) => candidate.toLocaleLowerCase() === name,
    ),
  );
}

/**
 * A channel's rotation from Slack: anyone in the channel may look; with THREADLINE_ADMINS set, only admins change
 * it. Anyone may pause or resume themselves.
 */
export class RotationCommands {
  constructor(
    private readonly assignments: AutoAssignments,
    private readonly store: ConversationStore,
    private readonly slack: SlackPort,
    private readonly policy: InboxPolicy,
    private readonly membership: ChannelMembership,
    private readonly logger: CoreLogger,
    /** Told whose App Home shows a pause that changed. */
    private readonly pauseChanged: (userId: string) => void = () => {},
  ) {}

  async run(command: RotationCommand, context: Context): Promise<string> {
    if (command.name !== "autoassign") return this.pause(command.name === "pause", context);
    if (command.words.length === 0) return this.describe(context.channelId);
    const refused =
      this.policy.refusal(context.userId, changing) ??
      (await this.membership.refusal(context.userId, context.channelId, changing));
    if (refused) {
      this.logger.warn({ ...context, words: command.words }, "automatic assignment change refused");
      return refused;
    }
    const rotation = await this.rotationFrom(command.words, context.channelId);
    if ("problem" in rotation) {
      this.logger.info({ ...context, words: command.words, problem: rotation.problem }, "autoassign refused");
      return rotation.problem;
    }
    if (rotation.rotation !== null && (await this.store.inboxesForChannel(context.channelId)).length === 0) {
      this.logger.info(context, "autoassign refused: nothing connected");
      return "Nothing is connected to this channel, so there is nothing to assign. Connect an inbox here first (`/threadline help` shows how).";
    }
    await this.assignments.setRotation(context.channelId, rotation.rotation, context.userId);
    this.logger.info({ ...context, rotation: rotation.rotation }, "automatic assignment changed");
    return `Saved. ${await this.describe(context.channelId)}`;
  }

  private async rotationFrom(
    words: readonly string[],
    channelId: string,
  ): Promise<{ readonly rotation: Rotation | null } | { readonly problem: string }> {
    const [first = ""] = words;
    const keyword = words.length === 1 ? first.toLowerCase() : "";
    if (keyword === "off") return { rotation: null };
    if (keyword === "channel") return { rotation: { everyone: true } };
    const people = (await this.slack.channelMembers(channelId)).filter(
      (member) => !member.isBot && !member.deleted,
    );
    const ids: string[] = [];
    for (const word of words) {
      const person = personNamed(word, people);
      if (!person) {
        return {
          problem: `I can't find \`${word}\` among the people in this channel, so nothing changed. Name people who are in it: ${example}.`,
        };
      }
      if (!ids.includes(person.id)) ids.push(person.id);
    }
    return { rotation: { people: ids } };
  }

  private async describe(channelId: string): Promise<string> {
    const setting = await this.assignments.rotation(channelId);
    if (!setting) {
      return `*Automatic assignment:* off — new conversations wait for someone to take them. Turn it on with ${example}.`;
    }
    const who =
      "everyone" in setting.rotation
        ? "everyone in this channel"
        : setting.rotation.people.map((id) => `<@${id}>`).join(", ");
    const ids = "everyone" in setting.rotation ? [] : setting.rotation.people;
    const paused = (
      await Promise.all(ids.map(async (id) => ((await this.assignments.isPaused(id)) ? id : null)))
    ).filter((id): id is string => id !== null);
    const pausedLine = paused.length > 0 ? ` Paused: ${paused.map((id) => `<@${id}>`).join(", ")}.` : "";
    return `*Automatic assignment:* on — a new conversation, or a customer's message to an unassigned one, goes at once to whoever of ${who} has the fewest open conversations (ties take turns).${pausedLine} \`/threadline pause\` takes you out of the rotation; \`/threadline autoassign off\` stops it.`;
  }

  private async pause(pausing: boolean, context: Context): Promise<string> {
    const changed = await this.assignments.setPaused(context.userId, pausing);
    this.logger.info(
      { ...context, paused: pausing, changed },
      pausing ? "rotation paused" : "rotation resumed",
    );
    if (changed) this.pauseChanged(context.userId);
    if (pausing) {
      return changed
        ? "Paused: no conversation is assigned to you automatically until you run `/threadline resume`. The ones you have stay yours."
        : "You are already paused. `/threadline resume` puts you back in the rotation.";
    }
    return changed
      ? "Resumed: conversations are assigned to you automatically again, in every channel whose rotation has you."
      : "You are not paused: conversations are already assigned to you automatically where a rotation has you.";
  }
}

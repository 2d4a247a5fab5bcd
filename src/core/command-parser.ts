import { type CampaignRequest, parseCampaignCommand } from "./campaigns/campaign-command.js";
import { commandExamples, exampleAddress, kindsOf } from "./command-help.js";
import { parseTeamCommand, type TeamCommand } from "./hours/team-commands.js";
import type { ChannelKind } from "./model.js";
import type { RotationCommand } from "./operations/rotation-commands.js";
import type { ChannelRegistry } from "./ports/channel.js";
import { parseSnippetCommand, type SnippetCommand } from "./snippet-text.js";
import type { StartRequest } from "./start-conversation.js";

export type SlashCommand =
  | { readonly name: "connect"; readonly kind: ChannelKind; readonly address: string }
  | { readonly name: "disconnect"; readonly addresses: readonly { kind: ChannelKind; address: string }[] }
  | { readonly name: "status" }
  | { readonly name: "retry" }
  | { readonly name: "text"; readonly request: StartRequest }
  | { readonly name: "find"; readonly text: string }
  | { readonly name: "forget"; readonly text: string }
  | { readonly name: "team"; readonly command: TeamCommand }
  | { readonly name: "rotation"; readonly command: RotationCommand }
  | { readonly name: "csat"; readonly text: string }
  | { readonly name: "report"; readonly text: string }
  | { readonly name: "help" }
  | { readonly name: "template" }
  | { readonly name: "snippet"; readonly command: SnippetCommand }
  | {
      readonly name: "tag";
      readonly action: "tag" | "untag";
      readonly number: string;
      readonly words: string;
    }
  | { readonly name: "campaign"; readonly request: CampaignRequest }
  /** `problem` says what is wrong with one example of what works. */
  | { readonly name: "invalid"; readonly problem: string };

const isChannelKind = (word: string, channels: ChannelRegistry): word is ChannelKind =>
  Object.hasOwn(channels, word);

/** `text <number> [from [<prefix>:]<number>] <message>`: the message keeps its line breaks. */
const textCommand = /^\s*text(?:\s+(\S+))?(?:\s+from\s+((?:[a-z]+:)?\+?\d[\d().-]*))?(?:\s+([\s\S]*))?$/i;
const findCommand = /^\s*find(?:\s+([\s\S]*))?$/i;
/** What follows the first word, line breaks kept (an away message may have several lines). */
const afterVerb = /^\s*\S+\s*([\s\S]*)$/;

/** Parses the text after `/threadline`. Never throws: bad input becomes `invalid` with the reason. */
export function parseSlashCommand(text: string, channels: ChannelRegistry): SlashCommand {
  const [verb = "", ...args] = text.trim().split(/\s+/).filter(Boolean);
  switch (verb.toLowerCase()) {
    case "text": {
      const [, to, from, message] = textCommand.exec(text) ?? [];
      if (!to) {
        return {
          name: "invalid",
          problem: "Say who to text and what: `/threadline text +15557654321 Your table is ready`.",
        };
      }
      return { name: "text", request: { to, from: from ?? null, message: message?.trim() ?? "" } };
    }
    case "find":
      return { name: "find", text: findCommand.exec(text)?.[1]?.trim() ?? "" };
    case "template":
      return { name: "template" };
    case "snippets":
    case "snippet": {
      const parsed =
        verb.toLowerCase() === "snippets" && args.length === 0
          ? ({ action: "list" } as const)
          : parseSnippetCommand(afterVerb.exec(text)?.[1] ?? "");
      return "problem" in parsed
        ? { name: "invalid", problem: parsed.problem }
        : { name: "snippet", command: parsed };
    }
    case "tag":
    case "untag": {
      const action = verb.toLowerCase() as "tag" | "untag";
      const [number, ...words] = args;
      if (!number || words.length === 0) {
        return {
          name: "invalid",
          problem: `Say whose tags and which: \`/threadline ${action} +15557654321 vip\`.`,
        };
      }
      return { name: "tag", action, number, words: words.join(" ") };
    }
    case "campaign": {
      const parsed = parseCampaignCommand(afterVerb.exec(text)?.[1] ?? "");
      return "problem" in parsed
        ? { name: "invalid", problem: parsed.problem }
        : { name: "campaign", request: parsed };
    }
    case "forget":
      return { name: "forget", text: afterVerb.exec(text)?.[1]?.trim() ?? "" };
    case "hours":
    case "away":
    case "sla": {
      const parsed = parseTeamCommand(
        verb.toLowerCase() as TeamCommand["name"],
        afterVerb.exec(text)?.[1] ?? "",
      );
      return "problem" in parsed
        ? { name: "invalid", problem: parsed.problem }
        : { name: "team", command: parsed };
    }
    case "report":
      return { name: "report", text: afterVerb.exec(text)?.[1]?.trim() ?? "" };
    case "csat":
      return { name: "csat", text: afterVerb.exec(text)?.[1]?.trim() ?? "" };
    case "autoassign":
      return { name: "rotation", command: { name: "autoassign", words: args } };
    case "pause":
    case "resume": {
      const name = verb.toLowerCase() as "pause" | "resume";
      return args.length === 0
        ? { name: "rotation", command: { name } }
        : {
            name: "invalid",
            problem: `\`${name}\` takes no arguments: it ${name === "pause" ? "takes you out of" : "puts you back in"} automatic assignment. For example: \`/threadline ${name}\`.`,
          };
    }
    case "":
    case "help":
      return { name: "help" };
    case "status":
      return args.length === 0
        ? { name: "status" }
        : { name: "invalid", problem: "`status` takes no arguments. For example: `/threadline status`." };
    case "retry":
      return args.length === 0
        ? { name: "retry" }
        : {
            name: "invalid",
            problem:
              "`retry` takes no arguments: it queues again every message held here. For example: `/threadline retry`.",
          };
    case "connect": {
      const [kindWord = "", ...rest] = args;
      const kind = kindWord.toLowerCase();
      if (!isChannelKind(kind, channels)) {
        return {
          name: "invalid",
          problem: `Say which channel to connect: ${kindsOf(channels).join(", ")}. For example: \`${commandExamples(channels).connect}\`.`,
        };
      }
      const channel = channels[kind];
      const inbox = channel.parseInboxAddress(rest.join(" "));
      if (!inbox) {
        const given = rest.join(" ");
        const address = exampleAddress(channel.addressExample);
        return {
          name: "invalid",
          problem: given
            ? `\`${given}\` is not a valid ${channel.label} address. For example: \`/threadline connect ${kind} ${address.address}\`${address.note}.`
            : `Give the ${channel.label} address to connect. For example: \`/threadline connect ${kind} ${address.address}\`${address.note}.`,
        };
      }
      return { name: "connect", kind, address: inbox };
    }
    case "disconnect": {
      const words =
        args.length > 0 && isChannelKind(args[0]?.toLowerCase() ?? "", channels) ? args.slice(1) : args;
      const given = words.join(" ");
      const kinds = words === args ? kindsOf(channels) : [args[0]?.toLowerCase() as ChannelKind];
      const addresses = kinds.flatMap((kind) => {
        const address = channels[kind].parseInboxAddress(given);
        return address ? [{ kind, address }] : [];
      });
      if (addresses.length === 0) {
        return {
          name: "invalid",
          problem: given
            ? `\`${given}\` is not a phone number or Page id I know how to read. For example: \`${commandExamples(channels).disconnect}\`.`
            : `Give the number or Page id to disconnect. For example: \`${commandExamples(channels).disconnect}\`.`,
        };
      }
      return { name: "disconnect", addresses };
    }
    default:
      return { name: "invalid", problem: unknownCommand(verb, channels) };
  }
}

/** Edits (insertions, deletions, substitutions) between two words. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(
        (previous[j] ?? 0) + 1,
        (row[j - 1] ?? 0) + 1,
        (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = row;
  }
  return previous[b.length] ?? 0;
}

/** An unknown subcommand, with the example of the one it most likely meant (a typo of one or two letters). */
function unknownCommand(verb: string, channels: ChannelRegistry): string {
  const examples = commandExamples(channels);
  const [closest] = Object.keys(examples)
    .map((known) => ({ known, edits: distance(verb.toLowerCase(), known) }))
    .filter(({ edits }) => edits <= 2)
    .sort((a, b) => a.edits - b.edits);
  return closest
    ? `I don't know the command \`${verb}\`. Did you mean \`${examples[closest.known]}\`?`
    : `I don't know the command \`${verb}\`; \`/threadline help\` lists the commands.`;
}

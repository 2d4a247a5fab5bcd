import { parseTeamCommand, type TeamCommand } from "./hours/team-commands.js";
import type { ChannelKind } from "./model.js";
import type { ChannelRegistry } from "./ports.js";
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
  | { readonly name: "help" }
  | { readonly name: "template" }
  | { readonly name: "invalid"; readonly problem: string };

/** The channels are the registry's keys: the core never lists them itself. */
export const kindsOf = (channels: ChannelRegistry) => Object.keys(channels) as ChannelKind[];

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
    case "":
    case "help":
      return { name: "help" };
    case "status":
      return args.length === 0
        ? { name: "status" }
        : { name: "invalid", problem: "`status` takes no arguments." };
    case "retry":
      return args.length === 0
        ? { name: "retry" }
        : {
            name: "invalid",
            problem: "`retry` takes no arguments: it queues again every message held here.",
          };
    case "connect": {
      const [kindWord = "", ...rest] = args;
      const kind = kindWord.toLowerCase();
      if (!isChannelKind(kind, channels)) {
        return {
          name: "invalid",
          problem: `Say which channel to connect: ${kindsOf(channels).join(", ")}.`,
        };
      }
      const channel = channels[kind];
      const address = channel.parseInboxAddress(rest.join(" "));
      if (!address) {
        const given = rest.join(" ");
        return {
          name: "invalid",
          problem: given
            ? `\`${given}\` is not a valid ${channel.label} address. Use ${channel.addressExample}.`
            : `Give the ${channel.label} address to connect, e.g. ${channel.addressExample}.`,
        };
      }
      return { name: "connect", kind, address };
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
            ? `\`${given}\` is not a phone number or Page id I know how to read.`
            : "Give the number or Page id to disconnect.",
        };
      }
      return { name: "disconnect", addresses };
    }
    default:
      return { name: "invalid", problem: `I don't know the command \`${verb}\`.` };
  }
}

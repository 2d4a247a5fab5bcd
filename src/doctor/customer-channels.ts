import { eachChannel } from "../channels/registry.js";
import type { ChannelDefinition, ChannelOverrides } from "../channels/types.js";
import type { Config } from "../config.js";
import type { CheckResult } from "./result.js";

/**
 * Each channel's own checks, from its folder. Channels sharing a provider return the same check (by name):
 * it is shown once. With no channel configured at all, nothing would ever arrive: that is said first.
 */
export async function checkCustomerChannels(
  config: Config,
  overrides: ChannelOverrides,
): Promise<CheckResult[]> {
  const channels = eachChannel();
  const results = await Promise.all(
    channels.map(([kind, definition]) => definition.doctor(config[kind], overrides)),
  );
  const seen = new Set<string>();
  const checks = results.flat().filter((result) => !seen.has(result.name) && Boolean(seen.add(result.name)));
  if (channels.some(([kind]) => config[kind] !== null)) return checks;
  return [
    {
      name: "Customer channels",
      status: "warn",
      detail: `no customer channel is configured (${channels.map(([kind]) => kind).join(", ")}): no customer message can arrive or be sent`,
      fix: `Set ${howToEnable(channels)} (see .env.example and docs/INSTALL.md, steps 4 and 5).`,
    },
    ...checks,
  ];
}

/** "A and B for x and y, or C for z": the variables that enable each group of channels sharing them. */
function howToEnable(channels: readonly (readonly [string, ChannelDefinition<unknown>])[]): string {
  const and = new Intl.ListFormat("en", { type: "conjunction" });
  const groups = new Map<string, string[]>();
  for (const [kind, definition] of channels) {
    const variables = and.format(definition.enabledBy);
    groups.set(variables, [...(groups.get(variables) ?? []), kind]);
  }
  return [...groups].map(([variables, kinds]) => `${variables} for ${and.format(kinds)}`).join(", or ");
}

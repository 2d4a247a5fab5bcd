import type { ContactProfile } from "../../core/model.js";
import { classifyGraphError, type MetaPlatform } from "./errors.js";
import { type GraphClient, GraphRequestError } from "./graph-client.js";

export const profileText = (value: unknown) => (typeof value === "string" ? value.trim() : "");

/** A picture link worth showing: http(s) only. */
export const pictureUrl = (value: unknown) => {
  const picture = profileText(value);
  return /^https?:\/\//.test(picture) ? picture : null;
};

/**
 * The User Profile API, asking only for `fields` (fields the Page may not read fail the whole request). Graph's
 * refusals (code 100: no such user, or no access to this one's profile) mean there is no name to get; answers
 * worth trying again later throw (DeliveryError). `toProfile` reads the channel's own fields.
 */
export function createProfileLookup(
  graph: GraphClient,
  {
    platform,
    fields,
    toProfile,
  }: {
    readonly platform: MetaPlatform;
    readonly fields: string;
    readonly toProfile: (answer: Readonly<Record<string, unknown>>) => ContactProfile | null;
  },
) {
  return async function lookupContact(userId: string): Promise<ContactProfile | null> {
    let answer: Record<string, unknown>;
    try {
      answer = ((await graph.get(userId, { fields })) ?? {}) as Record<string, unknown>;
    } catch (error) {
      if (error instanceof GraphRequestError && error.graph?.code === 100) return null;
      throw classifyGraphError(error, platform);
    }
    return toProfile(answer);
  };
}

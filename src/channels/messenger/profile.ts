import type { ContactProfile } from "../../core/model.js";
import { classifyGraphError } from "./errors.js";
import { type GraphClient, GraphRequestError } from "./graph-client.js";

interface ProfileAnswer {
  first_name?: unknown;
  last_name?: unknown;
  profile_pic?: unknown;
}

const text = (value: unknown) => (typeof value === "string" ? value.trim() : "");

/**
 * The User Profile API, asking only for the fields every Page may read once the person has messaged it
 * (locale, timezone or gender need extra permissions, and asking for them fails the whole request).
 * Graph's refusals (code 100: no such user, or no access to this one's profile) mean there is no name to
 * get; answers worth trying again later throw (DeliveryError).
 */
export function createProfileLookup(graph: GraphClient) {
  return async function lookupContact(psid: string): Promise<ContactProfile | null> {
    let answer: ProfileAnswer;
    try {
      answer = ((await graph.get(psid, { fields: "first_name,last_name,profile_pic" })) ??
        {}) as ProfileAnswer;
    } catch (error) {
      if (error instanceof GraphRequestError && error.graph?.code === 100) return null;
      throw classifyGraphError(error);
    }
    const displayName = [text(answer.first_name), text(answer.last_name)].filter(Boolean).join(" ");
    if (!displayName) return null;
    const picture = text(answer.profile_pic);
    return { displayName, avatarUrl: /^https?:\/\//.test(picture) ? picture : null };
  };
}

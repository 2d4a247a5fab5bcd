import type { GraphClient } from "../meta/graph-client.js";
import { createProfileLookup, pictureUrl, profileText } from "../meta/profile.js";

/**
 * Messenger's User Profile API, asking only for the fields every Page may read once the person has messaged
 * it (locale, timezone or gender need extra permissions, and asking for them fails the whole request).
 */
export const createMessengerProfileLookup = (graph: GraphClient) =>
  createProfileLookup(graph, {
    platform: "Messenger",
    fields: "first_name,last_name,profile_pic",
    toProfile: (answer) => {
      const displayName = [profileText(answer.first_name), profileText(answer.last_name)]
        .filter(Boolean)
        .join(" ");
      return displayName ? { displayName, avatarUrl: pictureUrl(answer.profile_pic) } : null;
    },
  });

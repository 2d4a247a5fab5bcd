import type { GraphClient } from "../meta/graph-client.js";
import { createProfileLookup, pictureUrl, profileText } from "../meta/profile.js";

/** Handles are letters, digits, periods and underscores; anything else is not shown as one. */
const handle = /^[A-Za-z0-9._]{1,30}$/;

/**
 * Instagram's User Profile API (the Messenger Platform's, with the Page token): the customer's name and
 * @username, so agents know them as they appear in Instagram. Only fields every app with
 * instagram_manage_messages may read; either may be missing (a name is optional on Instagram).
 */
export const createInstagramProfileLookup = (graph: GraphClient) =>
  createProfileLookup(graph, {
    platform: "Instagram",
    fields: "name,username,profile_pic",
    toProfile: (answer) => {
      const name = profileText(answer.name);
      const username = profileText(answer.username);
      const at = handle.test(username) ? `@${username}` : "";
      const displayName = name && at ? `${name} (${at})` : name || at;
      return displayName ? { displayName, avatarUrl: pictureUrl(answer.profile_pic) } : null;
    },
  });

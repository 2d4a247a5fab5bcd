import type { CheckResult } from "../../doctor/result.js";
import type { MetaConfig } from "../meta/config.js";
import { createGraphClient, GraphRequestError } from "../meta/graph-client.js";

/**
 * Instagram messages reach Threadline only for a professional account linked to the Page whose token it has:
 * the Page is asked for its linked account (`GET /me?fields=instagram_business_account`), whose id is what
 * `/threadline connect instagram` takes. The token itself is the Messenger credentials' check.
 */
export async function checkInstagramAccount(config: MetaConfig): Promise<CheckResult> {
  const name = "Instagram account";
  try {
    const page = (await createGraphClient(config).get("me", { fields: "id,instagram_business_account" })) as {
      id?: unknown;
      instagram_business_account?: { id?: unknown } | null;
    } | null;
    const account = page?.instagram_business_account?.id;
    if (typeof account !== "string") {
      return {
        name,
        status: "warn",
        detail: `the Page ${String(page?.id)} has no Instagram professional account linked: no Instagram message can arrive`,
        fix: "Link the Instagram professional account to the Facebook Page (Page settings → Linked accounts), and allow access to messages in the Instagram app (Settings → Messages).",
      };
    }
    return {
      name,
      status: "ok",
      detail: `the Page is linked to Instagram account ${account}; connect it with \`/threadline connect instagram ${account}\``,
    };
  } catch (error) {
    const status = error instanceof GraphRequestError ? error.status : null;
    const message = error instanceof GraphRequestError ? error.graph?.message : undefined;
    return {
      name,
      status: "fail",
      detail:
        status === null
          ? `the Graph API could not be reached (${error instanceof Error ? error.message : String(error)})`
          : `Graph answered HTTP ${status}: ${message ?? "no details"}`,
      fix: "Fix the Messenger credentials first (the same Page token serves Instagram); the Page token needs instagram_basic and instagram_manage_messages.",
    };
  }
}

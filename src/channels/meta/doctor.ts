import type { CheckResult } from "../../doctor/result.js";
import type { MetaConfig } from "./config.js";
import { createGraphClient, GraphRequestError } from "./graph-client.js";

/**
 * The Page access token, checked by asking Graph which Page it belongs to (`GET /me`, which a Page token
 * answers with the Page). The App Secret and the verify token are only ever used by Meta's calls to us, so
 * they can't be checked from here; the fix says how to see them work.
 */
export async function checkPageToken(config: MetaConfig): Promise<CheckResult> {
  const name = "Messenger credentials";
  try {
    const page = (await createGraphClient(config).get("me", { fields: "id,name" })) as {
      id?: unknown;
      name?: unknown;
    } | null;
    const shown = typeof page?.name === "string" ? `"${page.name}" (${String(page.id)})` : String(page?.id);
    return {
      name,
      status: "ok",
      detail: `the Page access token belongs to Page ${shown}; connect it with \`/threadline connect messenger ${String(page?.id)}\``,
    };
  } catch (error) {
    const graph = error instanceof GraphRequestError ? error.graph : null;
    const status = error instanceof GraphRequestError ? error.status : null;
    if (graph?.code === 190 || status === 401) {
      return {
        name,
        status: "fail",
        detail: `Graph refused the Page access token (${graph?.message ?? `HTTP ${status}`})`,
        fix: "In the Meta app's Messenger settings, generate a token for the Page and put it in MESSENGER_PAGE_ACCESS_TOKEN (a Page token, not a user token).",
      };
    }
    return {
      name,
      status: "fail",
      detail:
        status === null
          ? `the Graph API could not be reached (${error instanceof Error ? error.message : String(error)})`
          : `Graph answered HTTP ${status}: ${graph?.message ?? "no details"}`,
      fix: "Check the network or proxy, and GRAPH_API_URL if you set it; https://metastatus.com lists outages.",
    };
  }
}

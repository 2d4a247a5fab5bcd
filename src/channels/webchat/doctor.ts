import type { CheckResult } from "../../doctor/result.js";
import type { WebchatConfig } from "./config.js";

/**
 * What can go wrong before the first visitor writes: a site left out of WEBCHAT_ORIGINS (its visitors are
 * refused), an http:// site (the visitor token would travel in clear), or a PUBLIC_URL that browsers on an
 * https site refuse to load the script from (mixed content).
 */
export function checkWebchat(config: WebchatConfig | null): CheckResult[] {
  const name = "Web chat";
  // An optional channel left unconfigured needs no line in the report.
  if (!config) return [];
  const { publicUrl } = config;
  const results: CheckResult[] = [];
  const insecure = config.origins.filter((origin) => origin.startsWith("http://") && !isLocal(origin));
  if (!publicUrl.startsWith("https://")) {
    results.push({
      name,
      status: "fail",
      detail: `PUBLIC_URL (${publicUrl}) is not https: sites served over https can't load the chat, and visitor tokens would travel in clear.`,
      fix: "Serve Threadline behind TLS and set PUBLIC_URL to its https:// address.",
    });
  }
  if (insecure.length > 0) {
    results.push({
      name,
      status: "warn",
      detail: `WEBCHAT_ORIGINS lists sites without https: ${insecure.join(", ")}.`,
      fix: "List the https:// origins of your sites; http:// is only for local testing.",
    });
  }
  if (results.length === 0) {
    results.push({ name, status: "ok", detail: `allowed on ${config.origins.join(", ")}.` });
  }
  return results;
}

function isLocal(origin: string): boolean {
  const host = new URL(origin).hostname;
  return host === "localhost" || host === "127.0.0.1" || host === "[::1]";
}

import { errorMessage } from "../core/errors.js";
import type { CheckResult } from "./result.js";

/** Domains reserved for examples (RFC 2606): the value is still the placeholder from .env.example. */
const exampleDomain = /(^|\.)example(\.(com|net|org))?$/;

function isExample(publicUrl: string): boolean {
  try {
    return exampleDomain.test(new URL(publicUrl).hostname);
  } catch {
    return false;
  }
}

/** PUBLIC_URL is what providers sign and call: a bare https origin, so `PUBLIC_URL + path` is exact. */
export function checkPublicUrl(publicUrl: string): CheckResult {
  const name = "PUBLIC_URL";
  let url: URL;
  try {
    url = new URL(publicUrl);
  } catch {
    return {
      name,
      status: "fail",
      detail: `${publicUrl} is not a URL`,
      fix: "Set PUBLIC_URL to https://your.host",
    };
  }
  if (isExample(publicUrl)) {
    return {
      name,
      status: "fail",
      detail: `${publicUrl} is the example from .env.example; Twilio and Meta cannot reach it`,
      fix: "Set PUBLIC_URL to the https address of your tunnel or reverse proxy (docs/INSTALL.md, step 3 shows how to get one).",
    };
  }
  const problems = [
    url.protocol !== "https:" && "it is not https (the providers require https for webhooks)",
    url.pathname !== "/" && `it has a path (${url.pathname})`,
    url.search !== "" && "it has a query string",
    url.hash !== "" && "it has a fragment",
    (url.username !== "" || url.password !== "") && "it contains credentials",
  ].filter((p): p is string => typeof p === "string");
  if (problems.length > 0) {
    return {
      name,
      status: "fail",
      detail: `${publicUrl}: ${problems.join("; ")}`,
      fix: `Set PUBLIC_URL to the https origin your tunnel or reverse proxy serves, e.g. https://${url.host}, without a path: the webhook paths are added to it.`,
    };
  }
  if (/^(localhost|127\.|0\.0\.0\.0|\[::1\])/.test(url.hostname)) {
    return {
      name,
      status: "warn",
      detail: `${publicUrl} is a local address; the providers cannot reach it`,
      fix: "Use the public https URL of your tunnel or reverse proxy.",
    };
  }
  return { name, status: "ok", detail: `${url.origin} (webhooks at ${url.origin}/webhooks/…)` };
}

/** How `base` answers an unsigned transcript link: a Threadline receiver answers with its own refusal page. */
export async function probeThreadline(
  base: string,
  timeoutMs: number,
): Promise<{ readonly threadline: boolean; readonly status: number }> {
  const answer = await fetch(`${base}/conversations/0?sig=doctor`, {
    redirect: "manual",
    signal: AbortSignal.timeout(timeoutMs),
  });
  const body = await answer.text();
  return {
    threadline: answer.status === 403 && body.includes("<title>Link not valid</title>"),
    status: answer.status,
  };
}

/**
 * Whether PUBLIC_URL leads to a running Threadline. A warning rather than a failure, since the doctor is often
 * run before the first start.
 */
export async function checkPublicUrlReaches(publicUrl: string, timeoutMs = 5_000): Promise<CheckResult> {
  const name = "PUBLIC_URL reaches Threadline";
  // example.com answers, and not like Threadline: that would only distract from the fix above.
  if (isExample(publicUrl)) return { name, status: "skip", detail: "needs a real PUBLIC_URL" };
  try {
    const { threadline, status } = await probeThreadline(publicUrl, timeoutMs);
    if (threadline) return { name, status: "ok", detail: `${publicUrl} leads to this Threadline's receiver` };
    return {
      name,
      status: "warn",
      detail: `${publicUrl}/conversations/0?sig=doctor answered HTTP ${status}, not like Threadline`,
      fix: "The tunnel or reverse proxy sends the request somewhere else, or does not forward /conversations/…; see docs/INSTALL.md, step 3.",
    };
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return {
      name,
      status: "warn",
      detail: `could not reach ${publicUrl}: ${cause?.message ?? cause?.code ?? errorMessage(error)}`,
      fix: "If Threadline is not running yet, start it and run the doctor again. Otherwise check that the tunnel or reverse proxy is up and that DNS points at it.",
    };
  }
}

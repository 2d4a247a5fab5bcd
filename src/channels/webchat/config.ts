import { z } from "zod";

export interface WebchatConfig {
  /** Exactly the `Origin` values (scheme, host, port) of the sites that may embed the chat. */
  readonly origins: readonly string[];
  /** Where the embed script is served from (PUBLIC_URL): the snippet and the doctor need it. */
  readonly publicUrl: string;
}

/** An origin as browsers send it: `https://example.com` or `http://localhost:8080`, no path, no slash. */
function originProblem(entry: string): string | null {
  let url: URL;
  try {
    url = new URL(entry);
  } catch {
    return `"${entry}" is not an origin (write it like https://www.example.com)`;
  }
  if (url.protocol !== "https:" && url.protocol !== "http:")
    return `"${entry}" must start with https:// or http://`;
  if (url.origin !== entry) return `"${entry}" must be an origin alone, as browsers send it: ${url.origin}`;
  return null;
}

const originListSchema = z.preprocess(
  (value) => (value === "" ? undefined : value),
  z
    .string()
    .transform((text) =>
      text
        .split(",")
        .map((entry) => entry.trim())
        .filter((entry) => entry !== ""),
    )
    .superRefine((entries, context) => {
      if (entries.length === 0)
        context.addIssue({ code: "custom", message: "must name at least one origin" });
      for (const entry of entries) {
        const problem = originProblem(entry);
        if (problem) context.addIssue({ code: "custom", message: problem });
      }
    })
    .optional(),
);

// PUBLIC_URL is parsed and required by the app's own schema; read here as given, for the snippet and the doctor.
export const webchatEnvironment = { WEBCHAT_ORIGINS: originListSchema, PUBLIC_URL: z.string().optional() };

export const webchatVariables = ["WEBCHAT_ORIGINS"] as const;

export function webchatConfig(environment: Readonly<Record<string, unknown>>): WebchatConfig | null {
  const origins = environment.WEBCHAT_ORIGINS;
  if (!Array.isArray(origins)) return null;
  const publicUrl = String(environment.PUBLIC_URL ?? "").replace(/\/+$/, "");
  return Object.freeze({ origins: Object.freeze([...(origins as string[])]), publicUrl });
}

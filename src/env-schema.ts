import { z } from "zod";
import { hostEntryProblem, parseHostList } from "./net/host-list.js";

/* Zod building blocks for environment variables, shared by config.ts and the channels' config fragments. */

// Unset and empty are the same thing for an environment variable (`FOO=` in .env).
export const optional = z.preprocess(
  (value) => (value === "" ? undefined : value),
  z.string().trim().optional(),
);

export const httpUrl = (withSlash: "trailing" | "none") =>
  z
    .url({ protocol: /^https?$/, error: "must be an http(s) URL" })
    .transform((url) => (withSlash === "trailing" ? url.replace(/\/*$/, "/") : url.replace(/\/+$/, "")));

export const withDefault = <T extends z.ZodType>(schema: T, fallback: string) =>
  z.preprocess((value) => (value === undefined || value === "" ? fallback : value), schema);

export const hostListSchema = z
  .string()
  .transform(parseHostList)
  .superRefine((entries, context) => {
    if (entries.length === 0) context.addIssue({ code: "custom", message: "must name at least one host" });
    for (const entry of entries) {
      const problem = hostEntryProblem(entry);
      if (problem) context.addIssue({ code: "custom", message: problem });
    }
  });

export const isSet = (value: unknown): value is string => typeof value === "string";

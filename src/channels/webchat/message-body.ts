import { z } from "zod";
import { webchatTextLimit } from "./sender.js";

/** Images a visitor may attach, as the panel offers them; checked by their bytes too (image-check.ts). */
export const webchatImageTypes = ["image/jpeg", "image/png", "image/gif", "image/webp"] as const;
export const maxWebchatImageBytes = 2 * 1024 * 1024;

const image = z.object({
  contentType: z.enum(webchatImageTypes, { error: "images must be JPEG, PNG, GIF or WebP" }),
  filename: z.string().max(200).default("image"),
  /** The file's bytes in base64. */
  data: z.string().max(Math.ceil(maxWebchatImageBytes / 3) * 4 + 4, {
    error: `images must be at most ${maxWebchatImageBytes / 1024 / 1024} MB`,
  }),
});

/** What the widget posts for one visitor message. */
export const visitorMessageBody = z
  .object({
    /** The widget's id for this message: a retry after a lost answer is recognised, not recorded twice. */
    clientId: z
      .string()
      .regex(/^[A-Za-z0-9-]{8,64}$/, { error: "clientId must be 8-64 letters, digits or dashes" }),
    text: z
      .string()
      .max(webchatTextLimit, { error: `messages must be at most ${webchatTextLimit} characters` })
      .default(""),
    name: z.string().trim().max(100).optional(),
    email: z.email({ error: "that e-mail address does not look right" }).max(200).optional(),
    image: image.optional(),
  })
  .refine((body) => body.text.trim() !== "" || body.image !== undefined, {
    error: "write a message or attach an image",
  });

export type VisitorMessageBody = z.infer<typeof visitorMessageBody>;

/** The plain-words problem of a body that does not parse, for the answer and the log. */
export function bodyProblem(error: z.ZodError): string {
  return error.issues[0]?.message ?? "the message is not valid";
}

/** How the visitor is called in Slack when they gave their name or e-mail in the panel's form. */
export function contactNameOf(body: VisitorMessageBody): string | undefined {
  const name = body.name?.trim();
  if (name && body.email) return `${name} (${body.email})`;
  return name || body.email || undefined;
}

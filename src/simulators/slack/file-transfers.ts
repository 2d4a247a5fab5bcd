import type { IncomingMessage } from "node:http";
import { type Reply, type RequestBody, text } from "../http.js";
import type { Workspace } from "./workspace.js";

/* Slack's file hosts: where the external upload flow sends a file's bytes, and where files are downloaded. */

/** The upload URL files.getUploadURLExternal handed out, receiving the file's bytes. */
export function receiveUpload(workspace: Workspace, fileId: string, body: RequestBody): Reply {
  if (!workspace.file(fileId)) return text("file not found", 404);
  // WebClient sends multipart with a part named "body"; Slack's curl examples send the raw bytes.
  const part = body.files.find((f) => f.field === "body") ?? body.files[0];
  const textPart = body.fields.find(([field]) => field === "body")?.[1];
  const bytes =
    part?.bytes ??
    (textPart !== undefined
      ? Buffer.from(textPart)
      : body.mediaType === "multipart/form-data"
        ? undefined
        : body.raw);
  if (!bytes) return text("no file in the upload", 400);
  workspace.storeFileBytes(fileId, bytes);
  return text(`OK - ${bytes.length}`);
}

/** A file's url_private: served to the bot token, and only with files:read. */
export function serveFile(
  workspace: Workspace,
  req: IncomingMessage,
  path: string,
  access: { readonly botToken: string; readonly grantedScopes: readonly string[] },
): Reply {
  const match = /^\/files-pri\/[^/]+-(F\w+)\//.exec(path);
  const stored = match?.[1] ? workspace.file(match[1]) : undefined;
  const authorized =
    req.headers.authorization === `Bearer ${access.botToken}` && access.grantedScopes.includes("files:read");
  if (!authorized) return text("forbidden", 403);
  if (!stored?.bytes) return text("file not found", 404);
  return { status: 200, body: stored.bytes, headers: { "content-type": stored.file.mimetype } };
}

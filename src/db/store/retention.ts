import { randomBytes } from "node:crypto";
import type { MediaContent } from "../../core/model.js";
import type { NewJob } from "../../core/ports/queue.js";
import type { ContactKey, Erasure } from "../../core/ports/store.js";
import { SqlErasure } from "../queries/erasure.js";
import { dateFrom } from "../rows.js";
import { prepareAll } from "../sql/prepare-all.js";
import { statement } from "../sql/statement.js";
import { commit, type StoreParts } from "./shared.js";

const statements = {
  saveMedia: statement<
    {
      token: string;
      contentType: string;
      filename: string;
      bytes: Buffer;
      expiresAt: Date;
      conversationId: number | null;
    },
    never
  >("store_save_media", ({ db }, p) =>
    db.insertInto("MediaFile").values({
      token: p.token,
      contentType: p.contentType,
      filename: p.filename,
      bytes: p.bytes,
      expiresAt: p.expiresAt,
      conversationId: p.conversationId,
    }),
  ),
  media: statement<
    { token: string },
    { bytes: Uint8Array; contentType: string; filename: string; expiresAt: unknown }
  >("store_media", ({ db }, p) =>
    db
      .selectFrom("MediaFile")
      .select(["bytes", "contentType", "filename", "expiresAt"])
      .where("token", "=", p.token),
  ),
};

/** Files the customers sent and agents attached, and deleting conversations for good (SqlErasure). */
export class Retention {
  private readonly s;

  private readonly erasure: SqlErasure;

  constructor(private readonly parts: StoreParts) {
    this.s = prepareAll(parts.database, statements);
    this.erasure = new SqlErasure(parts.database, parts.lanesOf);
  }

  async saveMedia(content: MediaContent, expiresAt: Date, conversationId: number | null): Promise<string> {
    const token = randomBytes(24).toString("base64url");
    const { bytes, contentType, filename } = content;
    await this.s.saveMedia.commitNow({
      token,
      contentType,
      filename,
      bytes: Buffer.from(bytes),
      expiresAt,
      conversationId,
    });
    return token;
  }

  async media(token: string, now: Date): Promise<MediaContent | null> {
    const [row] = await this.s.media.read({ token });
    if (!row || dateFrom(row.expiresAt) <= now) return null;
    return { bytes: new Uint8Array(row.bytes), contentType: row.contentType, filename: row.filename };
  }

  deleteExpiredMedia(now: Date): Promise<number> {
    return this.erasure.deleteExpiredMedia(now);
  }

  purgeClosed(closedBefore: Date, limit: number): Promise<number> {
    return this.erasure.purgeClosed(closedBefore, limit);
  }

  /** The customers' conversations and contacts, with the jobs that tell their channels, in one transaction. */
  eraseContacts(
    contacts: readonly ContactKey[],
    jobs: (erasure: Erasure) => readonly NewJob[],
  ): Promise<Erasure> {
    const { erasure } = this;
    const queue = this.parts.jobs;
    return commit(this.parts, function* () {
      const erased = yield* erasure.erase(contacts);
      const found = erased.contacts + erased.conversations > 0;
      return { outcome: erased, jobs: found ? yield* queue.insertJobs(jobs(erased), new Date()) : [] };
    });
  }
}

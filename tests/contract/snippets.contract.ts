import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Snippet, SnippetStore } from "../../src/core/ports/snippets.js";

export interface SnippetsUnderTest {
  readonly snippets: SnippetStore;
  close(): Promise<void>;
}

const at = new Date("2026-12-07T10:00:00.000Z");
const hours: Snippet = {
  slackChannelId: "C1",
  name: "hours",
  body: "Hi {first_name}, we're open 9–5 & on Sat <b>",
  createdBy: "U1",
  createdAt: at,
};

/** What every SnippetStore must do; each implementation's test file runs this suite against it. */
export function snippetsContract(name: string, open: () => Promise<SnippetsUnderTest>): void {
  describe(`SnippetStore contract: ${name}`, () => {
    let subject: SnippetsUnderTest;
    let snippets: SnippetStore;

    beforeEach(async () => {
      subject = await open();
      snippets = subject.snippets;
    });

    afterEach(async () => {
      await subject.close();
    });

    it("saves, finds and lists a channel's snippets by name, text kept as typed", async () => {
      expect(await snippets.save(hours)).toBe("created");
      expect(await snippets.save({ ...hours, name: "asap" })).toBe("created");
      expect(await snippets.find("C1", "hours")).toEqual(hours);
      expect((await snippets.list("C1")).map((s) => s.name)).toEqual(["asap", "hours"]);
    });

    it("keeps channels apart", async () => {
      await snippets.save(hours);
      expect(await snippets.find("C2", "hours")).toBeNull();
      expect(await snippets.list("C2")).toEqual([]);
    });

    it("replaces a snippet saved again under its name, and says so", async () => {
      await snippets.save(hours);
      const later = new Date(at.getTime() + 60_000);
      expect(await snippets.save({ ...hours, body: "New text", createdBy: "U2", createdAt: later })).toBe(
        "replaced",
      );
      expect(await snippets.find("C1", "hours")).toEqual({
        ...hours,
        body: "New text",
        createdBy: "U2",
        createdAt: later,
      });
      expect(await snippets.list("C1")).toHaveLength(1);
    });

    it("removes one, and says when there was none", async () => {
      await snippets.save(hours);
      expect(await snippets.remove("C1", "hours")).toBe(true);
      expect(await snippets.remove("C1", "hours")).toBe(false);
      expect(await snippets.find("C1", "hours")).toBeNull();
    });
  });
}

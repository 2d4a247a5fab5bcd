import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { TranscriptSigner } from "../../src/http/transcript/signing.js";
import { agent, Harness, publicUrl, supportChannel } from "./harness.js";
import { transcriptLinks } from "./transcript-links.js";

const secret = "a-transcript-secret-of-at-least-32-characters";

let harness: Harness;

const { viewAllButton, clickViewAll, linkIn, transcriptLink, local, startConversation } = transcriptLinks(
  () => harness,
);

describe("transcript links", () => {
  beforeEach(async () => {
    harness = await Harness.start({ environment: { TRANSCRIPT_SECRET: secret } });
  });

  afterEach(async () => {
    await harness.stop();
  });

  it("gives whoever clicks View all messages, and only them, a fresh link valid for about 15 minutes", async () => {
    await startConversation();
    expect(viewAllButton()).toBeDefined();
    expect(viewAllButton()?.url).toBeUndefined();
    const answer = await clickViewAll();
    expect(answer).toMatchObject({ user: agent.id, via: "response_url" });
    expect(answer.text).toContain("valid for 15 minutes");
    const link = new URL(linkIn(answer.text));
    expect(link.origin + link.pathname).toMatch(new RegExp(`^${publicUrl}/conversations/\\d+$`));
    const [expiry] = (link.searchParams.get("sig") ?? "").split(".");
    const minutes = (Number(expiry) * 1000 - Date.now()) / 60_000;
    expect(minutes).toBeGreaterThan(14);
    expect(minutes).toBeLessThanOrEqual(15);
    expect((await fetch(local(link.href))).status).toBe(200);
    expect(harness.logs.find("transcript link given")).toMatchObject({ user: agent.id });
    expect(JSON.stringify(harness.logs.lines)).not.toContain(link.searchParams.get("sig"));
  });

  it("refuses someone who is not a member of the conversation's channel", async () => {
    await startConversation();
    harness.slack.addUser({ id: "U0VISITOR", name: "vic", realName: "Vic Visitor", displayName: "Vic" });
    const answer = await clickViewAll("U0VISITOR");
    expect(answer.user).toBe("U0VISITOR");
    expect(answer.text).toBe(
      `Only members of <#${supportChannel}> can see this conversation; join the channel first.`,
    );
    expect(harness.logs.find("transcript link not given")).toMatchObject({ user: "U0VISITOR" });
  });

  it("refuses from a thread whose inbox has left the channel", async () => {
    await startConversation();
    expect(await harness.command("disconnect +15550001111")).toContain("Disconnected");
    const answer = await clickViewAll();
    expect(answer.text).not.toMatch(/https?:/);
    expect(answer.text).toContain("disconnected");
  });

  it("serves the page with headers that keep the link private and scripts off", async () => {
    await startConversation();
    const answer = await fetch(local(await transcriptLink()));
    expect(answer.status).toBe(200);
    expect(answer.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(answer.headers.get("referrer-policy")).toBe("no-referrer");
    expect(answer.headers.get("cache-control")).toBe("private, no-store");
    expect(answer.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(await answer.text()).toContain("Hello, is my order ready?");
  });

  it("answers 403 with the same page to a missing, wrong, altered or expired signature, and logs it", async () => {
    await startConversation();
    const link = new URL(local(await transcriptLink()));
    const sig = link.searchParams.get("sig") ?? "";
    const id = Number(link.pathname.split("/").at(-1));
    const expired = new TranscriptSigner(publicUrl, 1_000, () => Date.now() - 60_000);
    expired.useSecret(secret);
    const otherSecret = new TranscriptSigner(publicUrl);
    otherSecret.useSecret("another-secret-another-secret-another-secret");
    const attempts = [
      `${harness.baseUrl}/conversations/${id}`,
      `${harness.baseUrl}/conversations/${id}?sig=`,
      `${harness.baseUrl}/conversations/${id}?sig=garbage`,
      `${harness.baseUrl}/conversations/${id + 1}?sig=${sig}`,
      `${harness.baseUrl}/conversations/${id}?sig=${Number(sig.split(".")[0]) + 1}.${sig.split(".")[1]}`,
      local(expired.urlFor(id).url),
      local(otherSecret.urlFor(id).url),
      `${harness.baseUrl}/conversations/not-a-number?sig=${sig}`,
    ];
    const bodies = new Set<string>();
    for (const url of attempts) {
      const answer = await fetch(url);
      expect(answer.status, url).toBe(403);
      bodies.add(await answer.text());
    }
    expect(bodies.size).toBe(1);
    expect([...bodies][0]).not.toContain("Hello");
    const refusals = harness.logs.lines.filter((line) => line.msg === "transcript link refused");
    expect(refusals.map((line) => line.reason)).toEqual([
      "missing",
      "missing",
      "malformed",
      "wrong",
      "wrong",
      "expired",
      "wrong",
      "wrong",
    ]);
    expect(JSON.stringify(harness.logs.lines)).not.toContain(sig.split(".")[1]);
  });

  it("answers 404 to a well-signed link to a conversation that does not exist", async () => {
    const signer = new TranscriptSigner(publicUrl);
    signer.useSecret(secret);
    const answer = await fetch(local(signer.urlFor(4242).url));
    expect(answer.status).toBe(404);
    expect(harness.logs.find("transcript of an unknown conversation")).toMatchObject({
      conversationId: 4242,
    });
  });
});

describe("transcript links without TRANSCRIPT_SECRET", () => {
  beforeEach(async () => {
    harness = await Harness.start();
  });

  afterEach(async () => {
    await harness.stop();
  });

  it("signs with a secret generated once and kept in the database, so links survive a restart", async () => {
    await startConversation();
    const link = await transcriptLink();
    expect((await fetch(local(link))).status).toBe(200);
    await harness.restart();
    expect((await fetch(local(link))).status).toBe(200);
  });
});

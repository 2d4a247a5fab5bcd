import { afterEach, describe, expect, it } from "vitest";
import type { AiOverrides } from "../../src/ai/assistant-wiring.js";
import { type OpenAiSimulator, simulatedMark } from "../../src/simulators/openai/simulator.js";
import type { Ephemeral, StoredMessage } from "../../src/simulators/slack/types.js";
import {
  type AiWorld,
  clickDraft as clickDraftIn,
  metrics as metricsOf,
  question,
  shownToAgent,
  startAiWorld,
} from "./ai-world.js";
import { agent, customerNumber, type Harness, inboxNumber, supportChannel, waitFor } from "./harness.js";

let world: AiWorld;
let harness: Harness;
let model: OpenAiSimulator;
let parent: StoredMessage;

async function start(options: { ai?: AiOverrides; environment?: Record<string, string> } = {}) {
  world = await startAiWorld(options);
  ({ harness, model, parent } = world);
}

afterEach(async () => {
  await harness.stop();
  await model.stop();
});

const mine = () => shownToAgent(world);
const clickDraft = () => clickDraftIn(world);
const metrics = () => metricsOf(world);

function click(ephemeral: Ephemeral, actionId: string) {
  return harness.slack.blockAction(harness.slack.buildEphemeralButtonClick({ ephemeral, actionId }));
}

describe("AI reply drafts", () => {
  it("drafts a reply for the person who asked; Send posts it under their name and texts it to the customer", async () => {
    await start();
    const draft = await clickDraft();
    expect(draft.text).toContain(simulatedMark);
    const buttons = JSON.stringify(draft.blocks);
    for (const label of ["Send", "Edit", "Discard"]) expect(buttons).toContain(`"text":"${label}"`);
    // Nothing is sent until the person clicks Send.
    await harness.idle();
    expect(harness.twilio.sent).toEqual([]);
    expect(harness.replies(parent.ts)).toHaveLength(1);

    // What the model was asked: the instructions, the channel's limit and the conversation.
    const [request] = model.requests;
    expect(request?.messages[0]).toMatchObject({ role: "system" });
    expect(request?.messages[1]?.content).toContain(`Customer: ${question}`);
    expect(request?.messages[1]?.content).toContain(
      "The customer writes by SMS. Keep the reply under 320 characters (an SMS is billed per 160-character segment",
    );
    const draftText = String(draft.text).replace("✨ Draft reply: ", "");

    await click(draft, "threadline.ai.send");
    const posted = await waitFor(() => harness.replies(parent.ts)[1]);
    expect(posted).toMatchObject({
      text: draftText,
      username: agent.displayName,
      icon_url: `https://avatars.example/${agent.id}_72.png`,
    });
    const [sent] = await waitFor(() => harness.twilio.sent.length === 1 && harness.twilio.sent);
    expect(sent).toMatchObject({ From: inboxNumber, To: customerNumber, Body: draftText });
    // The draft is gone; delivery marks the reply like one typed in the thread.
    await waitFor(() => mine().length === 0);
    await harness.statusCallback(sent?.sid as string, "delivered");
    await waitFor(() =>
      harness.slack.reactions.some((r) => r.timestamp === posted.ts && r.name === "white_check_mark"),
    );

    const scraped = await metrics();
    expect(scraped).toContain('threadline_ai_requests_total{task="draft",outcome="ok"} 1');
    expect(scraped).toMatch(/threadline_ai_tokens_total\{task="draft",kind="prompt"\} [1-9]/);
    // Logs say what happened, never what the model was told or answered.
    // Every line of ours at every level, and every line at info and above. (At debug, Slack's own client logs
    // the bodies of its API calls, the draft's chat.postMessage as every other post: docs/SECURITY.md says so.)
    const logged = JSON.stringify(
      harness.logs.lines.filter((line) => line.component !== "bolt" || line.level >= 30),
    );
    expect(harness.logs.find("AI model answered")).toMatchObject({ task: "draft", user: agent.id });
    expect(logged).not.toContain("hasn't arrived");
    expect(logged).not.toContain(simulatedMark);
    expect(logged).not.toContain("You draft the next reply");
  });

  it("sends a draft once, however often its Send is clicked", async () => {
    await start();
    const draft = await clickDraft();
    await Promise.all([click(draft, "threadline.ai.send"), click(draft, "threadline.ai.send")]);
    await waitFor(() => harness.twilio.sent.length === 1);
    await harness.idle();
    expect(harness.twilio.sent).toHaveLength(1);
    expect(harness.replies(parent.ts)).toHaveLength(2);
    expect(harness.logs.find("AI draft already sent; click ignored")).toBeDefined();
  });

  it("sends a draft once on any instance: a Send after a restart is refused by the database", async () => {
    await start();
    const draft = await clickDraft();
    await click(draft, "threadline.ai.send");
    await waitFor(() => harness.twilio.sent.length === 1);
    await waitFor(() => harness.replies(parent.ts).length === 2);
    // Another process now: nothing of the first one's memory is left, as on a second instance.
    await harness.app.stop();
    await harness.startApp();
    await click(draft, "threadline.ai.send");
    await waitFor(() => mine().some((e) => e.text === "This draft was already sent."));
    await harness.idle();
    expect(harness.twilio.sent).toHaveLength(1);
    expect(harness.replies(parent.ts)).toHaveLength(2);
  });

  it("records the reply before posting it: Slack refusing the post delays it, and loses nothing", async () => {
    await start();
    const draft = await clickDraft();
    const draftText = String(draft.text).replace("✨ Draft reply: ", "");
    harness.slack.failNext("chat.postMessage", { status: 503 });
    await click(draft, "threadline.ai.send");
    // The post is a job: retried until Slack takes it, then sent to the customer from there.
    const posted = await waitFor(() => harness.replies(parent.ts)[1]);
    expect(posted).toMatchObject({ text: draftText, username: agent.displayName });
    await waitFor(() => harness.twilio.sent.some((m) => m.Body === draftText));
    await waitFor(() => mine().length === 0);
    await harness.idle();
    expect(harness.twilio.sent).toHaveLength(1);
    expect(harness.replies(parent.ts)).toHaveLength(2);
  });

  it("Edit opens the draft in a modal and sends what the person wrote", async () => {
    await start();
    const draft = await clickDraft();
    await click(draft, "threadline.ai.edit");
    const modal = await waitFor(() => harness.slack.openModalOf(agent.id));
    expect(JSON.stringify(modal.view)).toContain(simulatedMark);
    const ack = await harness.slack.submitModal({
      viewId: modal.id,
      typed: { text: "It ships today, tracking to follow." },
    });
    expect(ack.response_action).toBeUndefined();
    await waitFor(() => harness.twilio.sent.some((m) => m.Body === "It ships today, tracking to follow."));
    expect(harness.replies(parent.ts)[1]).toMatchObject({
      text: "It ships today, tracking to follow.",
      username: agent.displayName,
    });
    await waitFor(() => mine().length === 0);
    // The draft it came from can't be sent a second time.
    await click(draft, "threadline.ai.send");
    await waitFor(() => mine().some((e) => e.text === "This draft was already sent."));
    expect(harness.twilio.sent).toHaveLength(1);
  });

  it("refuses an empty edit in the modal, and sends nothing", async () => {
    await start();
    await click(await clickDraft(), "threadline.ai.edit");
    const modal = await waitFor(() => harness.slack.openModalOf(agent.id));
    const ack = await harness.slack.submitModal({ viewId: modal.id, typed: { text: "   " } });
    expect(ack).toMatchObject({ response_action: "errors", errors: { draft: "Write a reply, or Cancel." } });
    await harness.idle();
    expect(harness.twilio.sent).toEqual([]);
  });

  it("Discard removes the draft and sends nothing", async () => {
    await start();
    await click(await clickDraft(), "threadline.ai.discard");
    await waitFor(() => mine().length === 0);
    await harness.idle();
    expect(harness.twilio.sent).toEqual([]);
    expect(harness.replies(parent.ts)).toHaveLength(1);
    expect(harness.logs.find("AI draft discarded")).toBeDefined();
  });

  it("grounds the draft on a similar closed conversation and the answer agents gave there", async () => {
    await start();
    await harness.sms("Where is my parcel? The tracking page shows nothing", { from: "+15559990000" });
    const other = await waitFor(() => harness.parents()[1]);
    await harness.reply(other.ts, "Parcels ship from Lisbon within 2 days; tracking shows up after that.");
    await waitFor(() => harness.twilio.sent.length === 1);
    await harness.slack.blockAction(
      harness.slack.buildButtonClick({
        channel: supportChannel,
        messageTs: other.ts,
        user: agent.id,
        actionId: "threadline.close",
      }),
    );
    await harness.idle();
    await harness.sms("The tracking page for my parcel shows nothing");
    await waitFor(() => harness.replies(parent.ts).length === 2);
    await clickDraft();
    const prompt = String(model.requests.at(-1)?.messages[1]?.content);
    expect(prompt).toContain("Past customer message: Where is my parcel?");
    expect(prompt).toContain("Past agent answer: Parcels ship from Lisbon within 2 days");
  });
});

describe("AI summaries", () => {
  it("✨ Summarize in the ⋯ menu answers only the person who asked", async () => {
    await start();
    const before = harness.slack.responses.length;
    await harness.slack.blockAction(
      harness.slack.buildOverflowChoice({
        channel: supportChannel,
        messageTs: parent.ts,
        user: agent.id,
        actionId: "threadline.remind",
        value: "ai.summarize",
      }),
    );
    const answer = await waitFor(() => harness.slack.responses[before]);
    expect(answer.body).toMatchObject({ response_type: "ephemeral", replace_original: false });
    expect(String(answer.body.text)).toContain("*Summary*");
    expect(String(answer.body.text)).toContain(simulatedMark);
    expect(model.requests[0]?.messages[0]?.content).toContain("summarize");
    expect(await metrics()).toContain('threadline_ai_requests_total{task="summary",outcome="ok"} 1');
  });

  it("sends the new assignee a private summary of a conversation of 10+ messages, not of a shorter one", async () => {
    await start();
    const assign = () =>
      harness.slack.blockAction(
        harness.slack.buildExternalSelect({
          channel: supportChannel,
          messageTs: parent.ts,
          user: agent.id,
          actionId: "threadline.assign",
          value: agent.id,
          text: agent.displayName,
        }),
      );
    const unassign = () =>
      harness.slack.blockAction(
        harness.slack.buildExternalSelect({
          channel: supportChannel,
          messageTs: parent.ts,
          user: agent.id,
          actionId: "threadline.assign",
          value: "unassign",
          text: "Unassign",
        }),
      );
    await assign();
    await harness.idle();
    expect(model.requests).toEqual([]);
    expect(mine()).toEqual([]);
    await unassign();
    for (let index = 2; index <= 10; index += 1) await harness.sms(`Message number ${index}`);
    await waitFor(
      () =>
        harness.replies(parent.ts).filter((reply) => reply.text.startsWith("Message number")).length === 9,
    );
    await harness.idle();
    await assign();
    const summary = await waitFor(() => mine()[0]);
    expect(summary.text).toContain("You were assigned this conversation. Its summary, just for you:");
    expect(summary.text).toContain(simulatedMark);
  });
});

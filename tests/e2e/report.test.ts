import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { agent, customerNumber, Harness, supportChannel, waitFor } from "./harness.js";

let harness: Harness;

beforeEach(async () => {
  harness = await Harness.start();
  harness.slack.addUser({ id: "U0OUTSIDE", name: "olga", realName: "Olga Outside" });
  await harness.connectInbox();
});

afterEach(async () => {
  await harness.stop();
});

const metric = (text: string, labels: string) =>
  Number(new RegExp(`^threadline_messages_total\\{${labels}\\} (\\d+)$`, "m").exec(text)?.[1] ?? 0);

describe("/threadline report", () => {
  it("sums up a day made of real conversations, and its message counts match /metrics", async () => {
    await harness.command("csat on");
    // One customer is answered, closed and rates it; another is still waiting.
    await harness.sms("Where is my order?");
    const parent = await harness.waitForParent();
    await harness.reply(parent.ts, "It ships today");
    await waitFor(() => harness.twilio.sent.some((sent) => sent.Body === "It ships today"));
    await harness.slack.blockAction(
      harness.slack.buildButtonClick({
        channel: supportChannel,
        messageTs: parent.ts,
        user: agent.id,
        actionId: "threadline.close",
      }),
    );
    await waitFor(() =>
      harness.twilio.sent.some(
        (sent) => sent.To === customerNumber && sent.Body.startsWith("How did we do?"),
      ),
    );
    await harness.sms("5");
    await waitFor(() => harness.replies(parent.ts).some((reply) => reply.text.startsWith("⭐ 5/5")));
    await harness.sms("Hello?", { from: "+15557000009" });
    await waitFor(() => harness.parents().length === 2);
    await harness.idle();

    const report = await harness.command("report");
    expect(report).toContain("*Today in this channel*");
    expect(report).toContain("• Conversations: 2 opened, 1 closed");
    expect(report).toContain("• Messages: SMS 3 in, 2 out");
    expect(report).toContain(
      "• First response: median under 1 min, 90th percentile under 1 min (1 response)",
    );
    expect(report).toContain(`• By person: <@${agent.id}>: 1 reply, 1 closed`);
    expect(report).toContain("• Customer satisfaction: ⭐ 5.0/5 from 1 answer");
    expect(report).not.toContain("Response-time target");

    const metrics = await (await fetch(harness.metricsUrl)).text();
    expect(metric(metrics, 'direction="in",channel="sms",result="recorded"')).toBe(3);
    expect(metric(metrics, 'direction="out",channel="sms",result="sent"')).toBe(2);

    expect(await harness.command("report 30d")).toContain("*The last 30 days in this channel*");
    await harness.command("sla 15m");
    expect(await harness.command("report 7d")).toContain(
      "• Response-time target (15 min): 0 waits went past it",
    );
  });

  it("refuses unknown periods and outsiders, with an answer", async () => {
    expect(await harness.command("report yesterday")).toContain("`yesterday` is not a report I know");
    expect(await harness.command("report 7d extra")).toContain("is not a report I know");
    const outsider = await harness.slack.slashCommand({
      channel_id: supportChannel,
      user_id: "U0OUTSIDE",
      text: "report",
    });
    expect(String(outsider.text)).toContain("can see this channel's report");
    expect(harness.logs.find("report refused: not in the channel")).toMatchObject({ userId: "U0OUTSIDE" });
  });
});

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { nextRun } from "../../src/core/operations/daily-report.js";
import { Harness, supportChannel, waitFor } from "./harness.js";

let harness: Harness;
/** The app's clock runs this far ahead of the real one: the test moves it to the report's time. */
let ahead = 0;
const clock = () => Date.now() + ahead;
const day = 24 * 3_600_000;

beforeEach(async () => {
  ahead = 0;
  harness = await Harness.start({
    overrides: { now: clock, delivery: { sweepMs: 50, backoff: { baseDelayMs: 50, maxDelayMs: 400 } } },
  });
  await harness.connectInbox();
});

afterEach(async () => {
  await harness.stop();
});

const posts = () =>
  harness.slack.messages.filter(
    (message) =>
      message.channel === supportChannel && !message.thread_ts && message.text.startsWith("*Daily report:"),
  );
const skipped = () => harness.logs.lines.filter((line) => line.msg.startsWith("daily report skipped")).length;

describe("/threadline report daily", () => {
  it("posts once a day at its time, survives a restart, follows a new time, and stops when turned off", async () => {
    expect(await harness.command("report daily")).toContain("*Daily report:* off");
    expect(await harness.command("report daily 9:00")).toContain(
      "Saved. *Daily report:* posted here every day at 09:00 (UTC time)",
    );
    await harness.sms("Where is my order?");
    await harness.waitForParent();

    const first = nextRun("09:00", clock(), "UTC").at;
    ahead = first + 1_000 - Date.now();
    const [post] = await waitFor(() => posts().length === 1 && posts());
    expect(post?.text).toContain("• Conversations: 1 opened, 0 closed");
    expect(post?.text).toContain("• Messages: SMS 1 in, 0 out");

    // Set again at the same time: a second chain of jobs, which must not post the same day twice.
    await harness.command("report daily 09:00");
    await harness.restart();
    ahead += day;
    await waitFor(() => posts().length === 2);
    await waitFor(() => skipped() >= 1);
    await harness.idle();
    expect(posts()).toHaveLength(2);

    // An earlier time posts at that time, not behind the jobs already waiting for the old one.
    await harness.command("report daily 08:00");
    ahead = nextRun("08:00", clock(), "UTC").at + 1_000 - Date.now();
    await waitFor(() => posts().length === 3);

    expect(await harness.command("report daily off")).toContain("*Daily report:* off");
    const before = skipped();
    ahead += day;
    await waitFor(() => skipped() > before);
    await harness.idle();
    expect(posts()).toHaveLength(3);
  });

  it("refuses a time that is not one, and outsiders", async () => {
    expect(await harness.command("report daily 25:00")).toContain("`25:00` is not a time of day");
    expect(await harness.command("report daily 9am tomorrow")).toContain("is not a report I know");
    harness.slack.addUser({ id: "U0OUTSIDE", name: "olga", realName: "Olga Outside" });
    const outsider = await harness.slack.slashCommand({
      channel_id: supportChannel,
      user_id: "U0OUTSIDE",
      text: "report daily 09:00",
    });
    expect(String(outsider.text)).toContain("can change this channel's daily report");
    expect(await harness.command("report daily")).toContain("off");
  });
});

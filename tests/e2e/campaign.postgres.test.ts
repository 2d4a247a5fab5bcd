import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { type PostgresCluster, startPostgres } from "../support/postgres.js";
import { click, ny, preview, progress, texted } from "./campaign-helpers.js";
import { agent, Harness, waitFor } from "./harness.js";

/* Tags and a campaign on PostgreSQL: the statements written once run on both databases (decision 0024). */

let cluster: PostgresCluster;
let harness: Harness;
let ahead = 0;

beforeAll(async () => {
  cluster = await startPostgres();
});

afterAll(async () => {
  await cluster?.stop();
});

afterEach(async () => {
  await harness.stop();
});

it("tags, previews, sends once and quotes the campaign in the answer's thread, on PostgreSQL", async () => {
  ahead = Date.parse("2026-12-07T15:00:00Z") - Date.now(); // 10:00 in New York
  harness = await Harness.start({
    environment: { DATABASE_URL: await cluster.createDatabase("campaigns"), CAMPAIGN_RATE_PER_SECOND: "20" },
    overrides: { now: () => Date.now() + ahead, campaignProgressEveryMs: 200 },
  });
  await harness.connectInbox();
  const parents = [];
  for (const n of [1, 2, 3]) parents.push(await texted(harness, ny(n)));
  for (const n of [1, 2]) expect(await harness.command(`tag ${ny(n)} vip`)).toContain("`vip`");
  await harness.sms("STOP", { from: ny(2) });
  await waitFor(() => harness.logs.lines.some((line) => String(line.msg).includes("opted out")));

  const { text, shown } = await preview(harness, "#vip Spring sale");
  expect(text).toContain("It will reach *1 customer*.");
  expect(text).toContain("Left out: 1 opted out.");
  await click(harness, shown, "Send");
  await waitFor(() => progress(harness)?.text.includes("✅ *Finished*"));
  const sent = harness.twilio.sent.filter((message) => message.Body.startsWith("Spring sale"));
  expect(sent.map((message) => message.To)).toEqual([ny(1)]);

  await harness.sms("Yes please", { from: ny(1) });
  const thread = parents[0]?.ts as string;
  await waitFor(() => harness.replies(thread).length === 3);
  expect(harness.replies(thread)[1]?.text).toContain(`📣 They got this campaign from <@${agent.id}>`);
});

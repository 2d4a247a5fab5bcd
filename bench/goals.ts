/*
 * The goals of issue 11, in its order: the final table of `npm run bench` has one line for each, measured in
 * the same run. A benchmark reports a measurement against a goal by its id (Report.goal).
 */
export const goals = {
  ingestRatio: {
    measure: "webhook ingest flat out, ratio to the bare baseline",
    goal: "≥ 0.5",
  },
  inboundP99: {
    measure: "webhook → Slack thread post, p99, evenly spaced at 500 msg/s",
    goal: "≤ 50 ms",
  },
  replyP99: {
    measure: "agent reply → Twilio request, p99, at 500 msg/s",
    goal: "≤ 50 ms",
  },
  rss: {
    measure: "RSS of the Threadline process at rest after a few thousand messages",
    goal: "≤ 128 MB",
  },
  startup: {
    measure: "process start → Socket Mode connected, 10k conversations",
    goal: "≤ 1 s",
  },
  rateLimited: {
    measure: "delivery under Slack's rate limit (1 post/s/channel, burst 3), 20 channels",
    goal: "≥ 97 % of the allowed rate, no 429, 0 reordered",
  },
  spreadUnderLimit: {
    measure: "webhook → Slack thread post under Slack's limit, 100 msg/s over 500 channels",
    goal: "no 429, p99 ≤ 50 ms",
  },
  menuCold: {
    measure: "assignment menu, cold, channel of 2,000 members",
    goal: "≤ 150 ms",
  },
} as const;

export type GoalId = keyof typeof goals;

export const goalTargets = {
  ingestRatio: 0.5,
  latencyP99Ms: 50,
  rssBytes: 128 * 2 ** 20,
  startupMs: 1_000,
  rateEfficiency: 0.97,
  menuColdMs: 150,
} as const;

import fs from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Harness, waitFor } from "./harness.js";

// docs/grafana-dashboard.json is only useful if the series it queries exist: every metric name in its queries
// must appear in a real scrape of the app, and every label it groups by must be one those series carry.

interface Target {
  readonly expr: string;
}
interface Dashboard {
  readonly panels: { readonly title: string; readonly targets: Target[] }[];
  readonly templating: { readonly list: { readonly definition?: string }[] };
}

const dashboard = JSON.parse(
  fs.readFileSync(new URL("../../docs/grafana-dashboard.json", import.meta.url), "utf8"),
) as Dashboard;

const queries = [
  ...dashboard.panels.flatMap((panel) => panel.targets.map((target) => target.expr)),
  ...dashboard.templating.list.flatMap((variable) => (variable.definition ? [variable.definition] : [])),
];

/** Labels Prometheus adds to every scraped series (instance, job), and `le`, which histogram buckets carry. */
const addedLabels = new Set(["instance", "job"]);

const metricNames = (query: string) =>
  [...query.matchAll(/\b(?:threadline|process|nodejs)_[a-z0-9_]+/g)].map((m) => m[0]);

function groupedLabels(query: string): string[] {
  return [...query.matchAll(/\bby \(([^)]*)\)/g)].flatMap((m) =>
    (m[1] ?? "").split(",").map((l) => l.trim()),
  );
}

/** Label names of the samples of one series name in a Prometheus text scrape. */
function labelsOf(scrape: string, name: string): Set<string> {
  const lines = scrape
    .split("\n")
    .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `));
  return new Set(lines.flatMap((line) => [...line.matchAll(/([a-zA-Z_]+)="/g)].map((m) => m[1] ?? "")));
}

let harness: Harness;

beforeEach(async () => {
  harness = await Harness.start();
});

afterEach(async () => {
  await harness.stop();
});

describe("docs/grafana-dashboard.json", () => {
  it("queries only series that the app's /metrics serves, grouped by labels they carry", async () => {
    // Labelled counters and histograms appear once something was counted: deliver a message, a reply and an error.
    await harness.connectInbox();
    harness.slack.failNext("chat.postMessage", { error: "internal_error" });
    await harness.sms("Hello");
    const parent = await harness.waitForParent();
    await harness.reply(parent.ts, "Hi!");
    await waitFor(() => harness.twilio.sent.length === 1);
    expect(queries.length).toBeGreaterThan(0);
    // A job's metrics are recorded when it finishes, a moment after the fakes see its call: scrape until they are.
    await waitFor(async () => {
      const answer = await fetch(harness.metricsUrl);
      expect(answer.status).toBe(200);
      const scrape = await answer.text();
      for (const query of queries) {
        const names = metricNames(query);
        expect(names.length, query).toBeGreaterThan(0);
        for (const name of names) {
          const labels = labelsOf(scrape, name);
          expect(
            labels.size > 0 || scrape.split("\n").some((line) => line.startsWith(`${name} `)),
            name,
          ).toBe(true);
          for (const label of groupedLabels(query)) {
            expect(addedLabels.has(label) || labels.has(label), `${label} of ${name} in ${query}`).toBe(true);
          }
        }
      }
      return true;
    });
  });
});

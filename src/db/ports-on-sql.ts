import { SqlAutoAssignments } from "./auto-assignment.js";
import { SqlCampaignStore } from "./campaigns.js";
import { SqlContactTags } from "./contact-tags.js";
import { SqlCustomerView } from "./customer-view.js";
import type { AppDatabase } from "./database.js";
import { SqlPostPacing } from "./post-pacing.js";
import { SqlReports } from "./reports.js";
import { SqlSatisfaction } from "./satisfaction.js";
import { SqlScheduledMessages } from "./scheduled-messages.js";
import { SqlSnippetStore } from "./snippets.js";
import type { SqlDatabase } from "./sql/database.js";
import type { StoreJobs } from "./store/shared.js";

/** The ports built on a database's statements (and its queue, for jobs written with their rows): the same on SQLite and PostgreSQL. */
export type PortsOnSql = Pick<
  AppDatabase,
  | "pacing"
  | "snippets"
  | "scheduledMessages"
  | "customerView"
  | "tags"
  | "campaigns"
  | "autoAssignments"
  | "satisfaction"
  | "reports"
>;

export function portsOnSql(sql: SqlDatabase, queue: Pick<StoreJobs, "insertJobs" | "announce">): PortsOnSql {
  return {
    pacing: new SqlPostPacing(sql),
    snippets: new SqlSnippetStore(sql),
    scheduledMessages: new SqlScheduledMessages(sql, queue),
    customerView: new SqlCustomerView(sql),
    tags: new SqlContactTags(sql),
    campaigns: new SqlCampaignStore(sql),
    autoAssignments: new SqlAutoAssignments(sql, queue),
    satisfaction: new SqlSatisfaction(sql),
    reports: new SqlReports(sql),
  };
}

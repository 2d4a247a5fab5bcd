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

/** The ports that need nothing but a database's statements: the same on SQLite and PostgreSQL. */
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

export function portsOnSql(sql: SqlDatabase): PortsOnSql {
  return {
    pacing: new SqlPostPacing(sql),
    snippets: new SqlSnippetStore(sql),
    scheduledMessages: new SqlScheduledMessages(sql),
    customerView: new SqlCustomerView(sql),
    tags: new SqlContactTags(sql),
    campaigns: new SqlCampaignStore(sql),
    autoAssignments: new SqlAutoAssignments(sql),
    satisfaction: new SqlSatisfaction(sql),
    reports: new SqlReports(sql),
  };
}

import { noTeamSettings, type TeamSettings } from "../../core/model.js";
import { toTeamSettings } from "../rows.js";
import type { SqlDatabase } from "../sql/database.js";
import { type Prepared, prepareAll } from "../sql/prepare-all.js";
import { statement } from "../sql/statement.js";

interface SaveValues {
  slackChannelId: string;
  hours: string | null;
  awayMessage: string | null;
  slaMinutes: number | null;
  /** Which of the three the call changes: the others keep what the row has. */
  setHours: boolean;
  setAwayMessage: boolean;
  setSlaMinutes: boolean;
  userId: string;
  now: Date;
}

type SettingsRow = Record<string, unknown>;

const read = statement<{ slackChannelId: string }, SettingsRow>("team_settings_read", ({ db }, p) =>
  db.selectFrom("TeamSettings").selectAll().where("slackChannelId", "=", p.slackChannelId),
);

/** One statement whatever the call changes: each column is the new value or the row's own. */
const save = statement<SaveValues, SettingsRow>("team_settings_save", ({ db }, p) =>
  db
    .insertInto("TeamSettings")
    .values({
      slackChannelId: p.slackChannelId,
      hours: p.hours,
      awayMessage: p.awayMessage,
      slaMinutes: p.slaMinutes,
      updatedBy: p.userId,
      updatedAt: p.now,
    })
    .onConflict((conflict) =>
      conflict.column("slackChannelId").doUpdateSet((eb) => {
        const changed = <Column extends "hours" | "awayMessage" | "slaMinutes">(
          column: Column,
          set: typeof p.setHours,
        ) =>
          eb
            .case()
            .when(set, "=", eb.lit(true))
            .then(eb.ref(`excluded.${column}`))
            .else(eb.ref(`TeamSettings.${column}`))
            .end();
        return {
          hours: changed("hours", p.setHours),
          awayMessage: changed("awayMessage", p.setAwayMessage),
          slaMinutes: changed("slaMinutes", p.setSlaMinutes),
          updatedBy: eb.ref("excluded.updatedBy"),
          updatedAt: eb.ref("excluded.updatedAt"),
        };
      }),
    )
    .returningAll(),
);

/** What the team of a Slack channel set with /threadline hours, away and sla. */
export class SqlTeamSettings {
  private readonly statements: Prepared<{ read: typeof read; save: typeof save }>;

  constructor(database: SqlDatabase) {
    this.statements = prepareAll(database, { read, save });
  }

  /** Read with every reply that ends a wait (to time it). */
  async of(slackChannelId: string): Promise<TeamSettings> {
    const [row] = await this.statements.read.read({ slackChannelId });
    return row ? toTeamSettings(row) : noTeamSettings;
  }

  /** Changes the settings `changes` names (a cold path: /threadline hours, away and sla). */
  async save(slackChannelId: string, changes: Partial<TeamSettings>, userId: string): Promise<TeamSettings> {
    const [row] = await this.statements.save.commitNow({
      slackChannelId,
      hours: changes.hours ?? null,
      awayMessage: changes.awayMessage ?? null,
      slaMinutes: changes.slaMinutes ?? null,
      setHours: changes.hours !== undefined,
      setAwayMessage: changes.awayMessage !== undefined,
      setSlaMinutes: changes.slaMinutes !== undefined,
      userId,
      now: new Date(),
    });
    return toTeamSettings(row as SettingsRow);
  }
}

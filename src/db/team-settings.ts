import { noTeamSettings, type TeamSettings } from "../core/model.js";

interface TeamSettingsRow {
  readonly hours: string | null;
  readonly awayMessage: string | null;
  readonly slaMinutes: number | null;
}

/** The one table the team settings need, as both generated clients (SQLite and PostgreSQL) have it. */
export interface TeamSettingsClient {
  readonly teamSettings: {
    upsert(args: {
      where: { slackChannelId: string };
      create: Partial<TeamSettings> & { slackChannelId: string; updatedBy: string };
      update: Partial<TeamSettings> & { updatedBy: string };
    }): PromiseLike<TeamSettingsRow>;
  };
}

const settingsOf = (row: TeamSettingsRow | null): TeamSettings =>
  row ? { hours: row.hours, awayMessage: row.awayMessage, slaMinutes: row.slaMinutes } : noTeamSettings;

/** Changes a channel's team settings (a cold path: /threadline hours, away and sla); the stores read them with
 * prepared statements, since every reply that ends a wait reads them. */
export async function writeTeamSettings(
  prisma: TeamSettingsClient,
  slackChannelId: string,
  changes: Partial<TeamSettings>,
  userId: string,
): Promise<TeamSettings> {
  const data = { ...changes, updatedBy: userId };
  return settingsOf(
    await prisma.teamSettings.upsert({
      where: { slackChannelId },
      create: { slackChannelId, ...data },
      update: data,
    }),
  );
}

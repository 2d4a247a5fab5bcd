/** A member of a Slack channel, as the assignment menu needs it. */
export interface Teammate {
  readonly id: string;
  readonly handle: string;
  readonly realName: string;
  readonly displayName: string;
  readonly isBot: boolean;
  readonly deleted: boolean;
}

export interface MenuOption {
  readonly label: string;
  readonly value: string;
}

/** Slack accepts at most 100 options in an external select's answer. */
export const maxMenuOptions = 100;
/** The value of the "Unassign" option: not a user id, so it can't collide with one. */
export const unassignValue = "unassign";

/** One collator for every comparison: `localeCompare` with options builds a new one per call (microseconds each). */
const byName = new Intl.Collator(undefined, { sensitivity: "base" });

export const teammateName = (teammate: Teammate) =>
  teammate.displayName || teammate.realName || teammate.handle;

/**
 * Who can be assigned: the channel's humans (no bots, no deactivated accounts) whose display or real name
 * contains what the agent typed, ignoring case, sorted by name; "Unassign" first when someone is assigned.
 */
export function assigneeOptions(
  members: readonly Teammate[],
  query: string,
  currentAssignee: string | null,
): MenuOption[] {
  const needle = query.trim().toLocaleLowerCase();
  const matches = members
    .filter((member) => !member.isBot && !member.deleted)
    .filter(
      (member) =>
        needle === "" ||
        [member.displayName, member.realName, member.handle].some((name) =>
          name.toLocaleLowerCase().includes(needle),
        ),
    )
    .sort((a, b) => byName.compare(teammateName(a), teammateName(b)))
    .map((member) => {
      const name = teammateName(member);
      const label = member.realName && member.realName !== name ? `${name} (${member.realName})` : name;
      return { label: label.slice(0, 75), value: member.id };
    });
  const unassign =
    currentAssignee && "unassign".includes(needle) ? [{ label: "Unassign", value: unassignValue }] : [];
  return [...unassign, ...matches].slice(0, maxMenuOptions);
}

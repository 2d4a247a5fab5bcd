import type { Rotation, RotationState } from "../ports/auto-assignment.js";

/**
 * Who takes the next conversation: among the candidates not paused, the one with the fewest open conversations;
 * among those tied, the first after the last person assigned, in the candidates' order (turns go round).
 */
export function nextAssignee(candidates: readonly string[], state: RotationState): string | null {
  const available = candidates.filter((id) => !state.paused.has(id));
  if (available.length === 0) return null;
  const load = (id: string) => state.openCounts.get(id) ?? 0;
  const fewest = Math.min(...available.map(load));
  const last = available.indexOf(state.setting.lastAssigneeId ?? "");
  for (let step = 1; step <= available.length; step++) {
    const id = available[(last + step) % available.length] as string;
    if (load(id) === fewest) return id;
  }
  return null;
}

/** The rotation's candidates: the people named who are still in the channel, or the channel's members. */
export function candidatesOf(rotation: Rotation, members: readonly string[]): readonly string[] {
  if ("everyone" in rotation) return [...members].sort();
  const inChannel = new Set(members);
  return rotation.people.filter((id) => inChannel.has(id));
}

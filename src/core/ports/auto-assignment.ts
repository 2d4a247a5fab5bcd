/* Automatic assignment's port: each channel's rotation, who is paused, and the assignment itself as one
 * transaction that reads the open workload and writes the choice under the rotation's lock (decision 0036). */

import type { NewJob } from "./queue.js";

/** Who a channel's new conversations go to: the people named, in their order, or everyone in the channel. */
export type Rotation = { readonly people: readonly string[] } | { readonly everyone: true };

export interface RotationSetting {
  readonly channelId: string;
  readonly rotation: Rotation;
  /** Who was assigned last: ties go to the next person after them. */
  readonly lastAssigneeId: string | null;
}

/** What the assignment reads under the lock, for the core to choose from. */
export interface RotationState {
  readonly setting: RotationSetting;
  /** Open conversations per assignee, everywhere (a person's whole workload). */
  readonly openCounts: ReadonlyMap<string, number>;
  readonly paused: ReadonlySet<string>;
}

/** A conversation that may be assigned automatically: open, unassigned, its inbox in a channel with a rotation. */
export interface Unassigned {
  readonly conversationId: number;
  readonly channelId: string;
}

export interface AutoAssignments {
  rotation(channelId: string): Promise<RotationSetting | null>;
  /** Sets the channel's rotation; null turns it off. */
  setRotation(channelId: string, rotation: Rotation | null, userId: string): Promise<void>;
  /** The conversation, if it is open, unassigned and its inbox's channel has a rotation; one indexed read. */
  waitingForRotation(conversationId: number): Promise<Unassigned | null>;
  /** Takes the person out of every rotation (true) or back in (false); false when nothing changed. */
  setPaused(userId: string, paused: boolean): Promise<boolean>;
  isPaused(userId: string): Promise<boolean>;
  /**
   * In one transaction holding the channel's rotation row: if the conversation is still open, unassigned and in
   * that channel, assigns it to whom `choose` picks, remembers them as the last assigned and writes
   * `jobs(assigneeId)` (the parent's update, the thread's line). Null, and no jobs, when nothing was assigned
   * (someone did meanwhile, the rotation was turned off, or `choose` found nobody).
   */
  assign(
    unassigned: Unassigned,
    choose: (state: RotationState) => string | null,
    jobs: (assigneeId: string) => readonly NewJob[],
  ): Promise<string | null>;
}

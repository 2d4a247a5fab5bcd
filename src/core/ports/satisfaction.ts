import type { ChannelKind } from "../model.js";

/* Customer satisfaction's port: each channel's question, the questions sent and their answers (decision 0036). */

export interface SurveySetting {
  /** Null: the default question. */
  readonly question: string | null;
}

export interface NewSurvey {
  readonly conversationId: number;
  readonly slackChannelId: string;
  readonly provider: ChannelKind;
  readonly text: string;
  readonly now: Date;
  /** Nothing is sent when the conversation was asked at or after this moment. */
  readonly notAskedSince: Date;
}

/** A question sent that the customer has not answered yet. */
export interface OpenSurvey {
  readonly surveyId: number;
  readonly conversationId: number;
}

export interface Satisfaction {
  setting(channelId: string): Promise<SurveySetting | null>;
  /** Turns the channel's question on (with its text) or off (null). */
  setSetting(channelId: string, setting: SurveySetting | null, userId: string): Promise<void>;
  /**
   * In one transaction holding the conversation's row: unless it was asked since `notAskedSince`, records the
   * question as an outbound message (pending, no author) and the survey. Its message id, or null.
   */
  recordSurvey(survey: NewSurvey): Promise<number | null>;
  /** The newest unanswered question sent to this customer at this inbox since `since`, if any. */
  openSurvey(
    message: { kind: ChannelKind; inboxAddress: string; contactAddress: string },
    since: Date,
  ): Promise<OpenSurvey | null>;
  /** Records the answer unless one was recorded; false when it was. */
  answer(surveyId: number, score: number, at: Date): Promise<boolean>;
}

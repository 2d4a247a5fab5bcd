// What a `/threadline` command is run with and answers: shared by the command groups and SlashCommands.
import type { CampaignOffer } from "../campaigns/campaigns.js";
import type { ForgetRequest } from "../erasure.js";
import type { ChannelKind } from "../model.js";

export interface CommandContext {
  readonly channelId: string;
  readonly userId: string;
}

/** Moving an inbox from the channel that has it to the one the command was typed in. */
export interface MoveRequest {
  readonly kind: ChannelKind;
  readonly address: string;
  readonly from: string;
  readonly to: string;
}

/** The ephemeral answer to a command; `moveOffer` asks the person to confirm a move with a button. */
export interface CommandAnswer {
  readonly text: string;
  readonly moveOffer?: MoveRequest;
  /** `/threadline forget` asks for a confirmation with a button. */
  readonly forgetOffer?: ForgetRequest;
  /** `/threadline campaign` answers with a preview and **Send** / **Cancel**. */
  readonly campaignOffer?: CampaignOffer;
}

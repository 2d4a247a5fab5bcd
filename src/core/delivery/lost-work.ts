import type { QueuedJob } from "../ports/queue.js";

/**
 * What a job given up leaves undone, for the error log: ids and kinds, never a customer's text or number (the
 * log is not the place for them). Each kind's choice of who else is told is in decision 0026.
 */
export function lostWork(job: QueuedJob): string {
  switch (job.kind) {
    case "customer.send":
      return `reply ${job.payload.messageId} to the customer was given up; its thread shows what became of it`;
    case "slack.postInbound":
      return `customer message ${job.payload.messageId} is not in Slack`;
    case "slack.postMedia":
      return `file ${job.payload.index + 1} of customer message ${job.payload.messageId} is not in Slack`;
    case "slack.postStarted":
      return job.payload.formKey
        ? `reply ${job.payload.messageId} written in the saved-reply form was neither posted in Slack nor sent`
        : `the first message ${job.payload.messageId} of a conversation started with /threadline text was neither posted in Slack nor sent`;
    case "slack.postAutoReply":
      return `away reply ${job.payload.messageId} is not shown in its thread (it is sent all the same)`;
    case "slack.react":
      return `message ${job.payload.messageId} lacks its :${job.payload.name}: mark in Slack`;
    case "slack.updateParent":
      return `the parent of conversation ${job.payload.conversationId} shows an old state until its next change`;
    case "slack.notice":
      return `a line in the thread of conversation ${job.payload.conversationId} was not posted${job.payload.sendAgain === undefined ? "" : ` (the Send again button of reply ${job.payload.sendAgain})`}`;
    case "slack.channelNotice":
      return `a notice in channel ${job.payload.channelId} was not posted`;
    case "slack.erasePosts":
      return `${job.payload.ts.length} posts of an erased customer in channel ${job.payload.channelId} may still show them`;
    case "slack.reminder":
      return `the reminder of ${job.payload.userId} on conversation ${job.payload.conversationId} did not fire`;
    case "slack.nudge":
      return `the response-time nudge of conversation ${job.payload.conversationId} was not posted`;
    case "customer.scheduled":
      return `scheduled message ${job.payload.scheduledId} (for ${job.payload.when}) was not sent; it shows as scheduled until cancelled`;
    case "slack.scheduledNotice":
      return `the line of scheduled message ${job.payload.scheduledId} (with its Cancel button) was not posted`;
    case "slack.dailyReport":
      return `the daily report of channel ${job.payload.channelId} was not posted, and the next ones are not scheduled until \`/threadline report daily\` is set again`;
    case "contact.refreshProfile":
      return `the contact's name and picture of conversation ${job.payload.conversationId} were not refreshed`;
    case "campaign.send":
      return `campaign ${job.payload.campaignId} stopped sending at link ${job.payload.tick}; it is taken up again at the next start`;
    case "campaign.progress":
      return `the progress message of campaign ${job.payload.campaignId} shows old counts until its next edit`;
  }
}

import { DeliveryError } from "../../errors.js";
import { contactLane, slackLane } from "../../lane-names.js";
import type { ContactProfile } from "../../model.js";
import type { Job } from "../../ports/queue.js";
import type { HandlerDependencies } from "./dependencies.js";
import type { ThreadAccess } from "./threads.js";

/** Looks the customer's name and picture up (for channels that can) and stores them. */
export function refreshProfile(
  { store, queue, channels, logger }: HandlerDependencies,
  threads: ThreadAccess,
) {
  return async (job: Extract<Job, { kind: "contact.refreshProfile" }>) => {
    const context = await threads.loadContext(job.payload.conversationId);
    const { contact, conversation } = context;
    const channel = channels[context.inbox.kind];
    if (job.payload.name !== undefined) {
      // The name the provider sent with the message: nothing to look up.
      await store.write({
        contacts: [[contact.id, { displayName: job.payload.name, avatarUrl: contact.avatarUrl }]],
        jobs: job.payload.inline
          ? []
          : [
              {
                lane: slackLane(conversation.id),
                kind: "slack.updateParent",
                payload: { conversationId: conversation.id },
              },
            ],
      });
      logger.info({ conversationId: conversation.id, contactId: contact.id }, "contact name stored as given");
      return;
    }
    // The stored name is the cache: once known, it is not looked up again.
    if (contact.displayName || !channel.lookupContact || !channel.enabled) return;
    let profile: ContactProfile | null;
    try {
      profile = await channel.lookupContact(contact.address);
    } catch (error) {
      // Retrying is pointless when the failure is permanent: the job fails (it holds no lane) and is logged.
      if (!job.payload.inline || (error instanceof DeliveryError && !error.transient)) throw error;
      // The thread must not wait for the name: it starts with the fallback, and retries (with the queue's
      // backoff) continue on the contact's own lane, updating the parent when the name arrives.
      await queue.enqueue([
        {
          lane: contactLane(contact.id),
          kind: "contact.refreshProfile",
          payload: { conversationId: conversation.id, inline: false },
        },
      ]);
      logger.warn(
        { conversationId: conversation.id, contactId: contact.id, err: error },
        "contact profile lookup failed; the thread starts without the name and the lookup is retried",
      );
      return;
    }
    if (!profile) {
      logger.info({ conversationId: conversation.id, contactId: contact.id }, "no contact profile available");
      return;
    }
    // The inline lookup runs before the first post, which will show the name. A retry may finish before or after
    // that post: the update is queued behind it on the Slack lane either way (and does nothing while there is no
    // thread), so the parent never keeps the fallback.
    await store.write({
      contacts: [[contact.id, { displayName: profile.displayName, avatarUrl: profile.avatarUrl }]],
      jobs: job.payload.inline
        ? []
        : [
            {
              lane: slackLane(conversation.id),
              kind: "slack.updateParent",
              payload: { conversationId: conversation.id },
            },
          ],
    });
    logger.info({ conversationId: conversation.id, contactId: contact.id }, "contact profile stored");
  };
}

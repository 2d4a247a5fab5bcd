import { agent, type Harness, publicUrl, supportChannel, waitFor } from "./harness.js";

/** Clicking "View all messages" and following its link, on whichever harness `current()` gives. */
export function transcriptLinks(current: () => Harness) {
  /** The parent's "View all messages" button. */
  function viewAllButton(): { action_id: string; url?: string } | undefined {
    const parent = current().parents()[0];
    const actions = (parent?.blocks ?? []).find((block) => block.type === "actions") as
      | { elements: { action_id: string; url?: string; text?: { text: string } }[] }
      | undefined;
    return actions?.elements.find((element) => element.text?.text === "View all messages");
  }

  /** `user` clicks "View all messages" on the parent; resolves with the answer only they see. */
  async function clickViewAll(user: string = agent.id): Promise<{ user: string; text: string; via: string }> {
    const before = current().slack.ephemerals.length;
    const click = current().slack.buildButtonClick({
      channel: supportChannel,
      messageTs: current().parents()[0]?.ts ?? "",
      user,
      actionId: viewAllButton()?.action_id ?? "",
    });
    await current().slack.blockAction(click);
    return waitFor(() => current().slack.ephemerals[before]);
  }

  /** The link in an ephemeral answer (`<url|label>`). */
  function linkIn(text: string): string {
    const url = /<(https?:[^|>]+)\|/.exec(text)?.[1];
    if (!url) throw new Error(`no link in: ${text}`);
    return url;
  }

  /** A fresh transcript link, as the agent gets it by clicking. */
  async function transcriptLink(): Promise<string> {
    return linkIn((await clickViewAll()).text);
  }

  /** The same link, reached on localhost instead of through the public URL. */
  const local = (url: string) => url.replace(publicUrl, current().baseUrl);

  async function startConversation(text = "Hello, is my order ready?"): Promise<string> {
    await current().connectInbox();
    await current().sms(text);
    const parent = await current().waitForParent();
    await waitFor(() => current().replies(parent.ts).length === 1);
    return parent.ts;
  }

  return { viewAllButton, clickViewAll, linkIn, transcriptLink, local, startConversation };
}

import type { Ephemeral, StoredMessage } from "../../src/simulators/slack/types.js";
import { agent, type Harness, supportChannel, waitFor } from "./harness.js";

/* What the campaign tests do in Slack and on the phone, over a running harness. */

export const bruno = { id: "U0BRUNO", name: "bruno", realName: "Bruno Costa", displayName: "Bruno" };
/** New York numbers (area code 212): 09:00–20:00 there. */
export const ny = (n: number) => `+1212555010${n}`;

/** Bruno joins the workspace and the support channel. */
export function addBruno(harness: Harness): void {
  harness.slack.addUser(bruno);
  harness.slack.channels.get(supportChannel)?.members.add(bruno.id);
}

export const commandAs = async (harness: Harness, user: string, text: string) =>
  String((await harness.slack.slashCommand({ channel_id: supportChannel, user_id: user, text })).text ?? "");

/** A customer who texted the inbox; resolves with their thread's parent. */
export async function texted(
  harness: Harness,
  from: string,
  body = "Hi",
  to?: string,
): Promise<StoredMessage> {
  const before = harness.parents().length;
  await harness.sms(body, { from, ...(to ? { to } : {}) });
  const parent = await waitFor(() => harness.parents().length > before && harness.parents().at(-1));
  await waitFor(() => harness.replies(parent.ts).some((reply) => reply.text === body));
  return parent;
}

/** The campaign preview's button clicked; resolves with the answer that replaced the preview. */
export async function click(
  harness: Harness,
  preview: Ephemeral,
  action: "Send" | "Cancel",
  user = agent.id,
): Promise<string> {
  const actionId = action === "Send" ? "threadline.campaignSend" : "threadline.campaignCancel";
  const payload = harness.slack.buildEphemeralButtonClick({ ephemeral: preview, actionId }) as {
    user: { id: string };
  };
  payload.user.id = user;
  await harness.slack.blockAction(payload);
  return waitFor(() => !preview.blocks && preview.text);
}

/** `/threadline campaign …`: the answer's text and the ephemeral showing it (with its buttons, if offered). */
export async function preview(
  harness: Harness,
  text: string,
  user = agent.id,
): Promise<{ text: string; shown: Ephemeral }> {
  const answer = await commandAs(harness, user, `campaign ${text}`);
  const shown = harness.slack.ephemerals.findLast((e) => e.via === "command_ack") as Ephemeral;
  return { text: answer, shown };
}

/** The campaign's progress message in the channel (a top-level post of the app that is not a parent). */
export const progress = (harness: Harness) =>
  harness.parents().find((message) => message.text.startsWith("📣 Campaign")) as StoredMessage | undefined;

/** **Stop campaign** clicked on the progress message; resolves with the answer to the clicker. */
export async function stop(harness: Harness, user = agent.id): Promise<string> {
  const message = progress(harness);
  if (!message) throw new Error("no progress message to stop");
  const before = harness.slack.ephemerals.length;
  const payload = harness.slack.buildButtonClick({
    channel: supportChannel,
    messageTs: message.ts,
    user,
    actionId: "threadline.campaignStop",
  });
  await harness.slack.blockAction(payload);
  return waitFor(() => harness.slack.ephemerals.length > before && harness.slack.ephemerals.at(-1)?.text);
}

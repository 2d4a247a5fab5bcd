/**
 * Threadline's Workflow Builder steps as the manifest declares them (`functions`): each step's callback id
 * and the names of its inputs and outputs. The listeners read inputs by these names; the manifest test checks
 * the manifest declares exactly these.
 */
export const workflowSteps = {
  sendText: {
    callbackId: "send_text_message",
    inputs: {
      channel: "channel_id",
      user: "user_id",
      to: "phone_number",
      message: "message",
      from: "from_number",
    },
    outputs: { threadUrl: "thread_url" },
  },
  close: {
    callbackId: "close_conversation",
    inputs: { channel: "channel_id", user: "user_id", to: "phone_number" },
    outputs: {},
  },
} as const;

import type { ChannelDefinition } from "../types.js";
import { type TwilioConfig, twilioConfig, twilioEnvironment, twilioVariables } from "./config.js";
import { checkTwilioCredentials } from "./doctor.js";

/**
 * What every Twilio channel's definition shares: one account (its variables enable them all together), the
 * `twilio` service label, and the doctor's check of its credentials.
 */
export const twilioProvider = {
  environment: twilioEnvironment,
  enabledBy: twilioVariables,
  config: twilioConfig,
  service: "twilio",
  doctor: async (config, overrides) => [await checkTwilioCredentials(config, overrides)],
} satisfies Pick<
  ChannelDefinition<TwilioConfig>,
  "environment" | "enabledBy" | "config" | "service" | "doctor"
>;

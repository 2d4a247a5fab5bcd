// Twilio's error codes and what they mean for a send, as every Twilio channel reads them.
export { classifyTwilioError, twilioReason } from "../twilio/errors.js";

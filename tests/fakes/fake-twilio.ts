// The Twilio simulator is product code (`npm run demo` runs on it); tests know it by its old name.
export * from "../../src/simulators/twilio.js";
export { TwilioSimulator as FakeTwilio } from "../../src/simulators/twilio.js";

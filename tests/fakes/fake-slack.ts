// The Slack simulator is product code (`npm run demo` runs on it); tests know it by its old name.
export * from "../../src/simulators/slack.js";
export { SlackSimulator as FakeSlack } from "../../src/simulators/slack.js";

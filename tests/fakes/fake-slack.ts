// The Slack simulator is product code (`npm run demo` runs on it); tests know it by its old name.
export * from "../../src/simulators/slack/simulator.js";
export { SlackSimulator as FakeSlack } from "../../src/simulators/slack/simulator.js";
export type * from "../../src/simulators/slack/types.js";
export { waitFor } from "../../src/simulators/wait.js";

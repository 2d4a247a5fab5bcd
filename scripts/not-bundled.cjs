// Stands in, in the bundle, for a package Bolt loads but Threadline never calls (scripts/build.mjs,
// `leaveOutHttpReceivers`): calling it says so instead of failing somewhere deeper.
module.exports = function notBundled() {
  throw new Error(
    "Bolt's HTTP receivers are not in Threadline's bundle: the app receives Slack over Socket Mode only.",
  );
};

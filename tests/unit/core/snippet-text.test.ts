import { describe, expect, it } from "vitest";
import {
  fillSnippet,
  parseSnippetCommand,
  savedReplyRequest,
  unknownVariables,
} from "../../../src/core/snippet-text.js";

describe("savedReplyRequest", () => {
  it.each([
    [";hours", { name: "hours", appended: "" }],
    ["  ;Ship-Times  ", { name: "ship-times", appended: "" }],
    [";hours see you!", { name: "hours", appended: " see you!" }],
    [";hours\nSee you Monday.", { name: "hours", appended: "\nSee you Monday." }],
  ])("%j asks for a saved reply", (text, expected) => {
    expect(savedReplyRequest(text)).toEqual(expected);
  });

  it.each(["hours", "; hours", "see ;hours", ";", ";-x", "note: ;hours"])("%j does not", (text) => {
    expect(savedReplyRequest(text)).toBeNull();
  });
});

describe("fillSnippet", () => {
  it("fills the first name, the full name and the agent", () => {
    expect(
      fillSnippet("Hi {first_name} ({name}), {agent} here. {first_name}!", {
        customerName: " Maya  Lopez ",
        agentName: "Ana",
      }),
    ).toBe("Hi Maya (Maya  Lopez), Ana here. Maya!");
  });

  it("calls a customer whose name is unknown 'there'", () => {
    expect(fillSnippet("Hi {first_name}", { customerName: null, agentName: "Ana" })).toBe("Hi there");
  });

  it("keeps a name a customer chose as text in Slack", () => {
    expect(fillSnippet("Hi {name}", { customerName: "<!channel> & co", agentName: "Ana" })).toBe(
      "Hi &lt;!channel&gt; &amp; co",
    );
  });
});

describe("parseSnippetCommand", () => {
  it("keeps the text's line breaks", () => {
    expect(parseSnippetCommand("add hours Open 9–5.\nClosed Sundays.")).toEqual({
      action: "add",
      name: "hours",
      body: "Open 9–5.\nClosed Sundays.",
    });
  });

  it("refuses unknown variables, naming each once", () => {
    expect(unknownVariables("{x} {first_name} {x} {Name}")).toEqual(["x", "Name"]);
    expect(parseSnippetCommand("add promo {code}")).toEqual({
      problem:
        "Not saved: `{code}` is not a variable I can fill. A saved reply may use `{first_name}`, `{name}`, `{agent}`.",
    });
  });

  it.each(["add", "add hours", "remove", "remove a b", "rename hours x"])("%j gets an example", (text) => {
    expect(parseSnippetCommand(text)).toHaveProperty("problem");
  });
});

import { describe, expect, it } from "vitest";
import {
  escapeForSlack,
  isInternalNote,
  mentionedUserIds,
  mrkdwnToPlainText,
} from "../../../src/core/text.js";

describe("escapeForSlack", () => {
  it("escapes the three characters Slack treats as markup", () => {
    expect(escapeForSlack("<!channel> & <@U123> <http://evil.example|bank>")).toBe(
      "&lt;!channel&gt; &amp; &lt;@U123&gt; &lt;http://evil.example|bank&gt;",
    );
  });

  it("leaves ordinary text and emoji alone", () => {
    expect(escapeForSlack("Hi! Is 5 > 3? 😀")).toBe("Hi! Is 5 &gt; 3? 😀");
  });
});

describe("mrkdwnToPlainText", () => {
  const names = new Map([["U111", "Ana"]]);

  it("turns user mentions into @names", () => {
    expect(mrkdwnToPlainText("Hi, <@U111> will help you", names)).toBe("Hi, @Ana will help you");
  });

  it("falls back to the mention's label, then its id, for unknown users", () => {
    expect(mrkdwnToPlainText("<@U999|bob> and <@U998>", names)).toBe("@bob and @U998");
  });

  it("writes labelled links as label (url) and bare links as the url", () => {
    expect(
      mrkdwnToPlainText("See <https://example.com/a?b=1&amp;c=2|our page> or <https://example.com>", names),
    ).toBe("See our page (https://example.com/a?b=1&c=2) or https://example.com");
  });

  it("keeps a link whose label is the url once", () => {
    expect(mrkdwnToPlainText("<https://x.example|https://x.example>", names)).toBe("https://x.example");
  });

  it("decodes entities only after markup is gone", () => {
    expect(mrkdwnToPlainText("a &lt;b&gt; &amp;&amp; c", names)).toBe("a <b> && c");
  });

  it("renders channels, special mentions, mailto links and dates readably", () => {
    expect(
      mrkdwnToPlainText(
        "<#C1|support> <!here> <mailto:a@b.example|a@b.example> <!date^1700000000^{date}|Nov 14>",
        names,
      ),
    ).toBe("#support @here a@b.example Nov 14");
  });
});

describe("mentionedUserIds", () => {
  it("lists each mentioned user once", () => {
    expect(mentionedUserIds("<@U1> <@W2|x> <@U1>")).toEqual(["U1", "W2"]);
  });
});

describe("isInternalNote", () => {
  it.each([
    ["note: call back tomorrow", true],
    ["  NOTE: vip", true],
    ["Note:", true],
    ["*note:* VIP customer", true],
    ["*note*: VIP customer", true],
    ["_Note:_ check the refund", true],
    ["~note~: struck but still a note", true],
    ["NOTE : spaced colon", true],
    ["> note: quoted", true],
    ["&gt; note: quoted, as Slack sends it", true],
    ["&gt;&gt;&gt; *Note* : block quote", true],
    ["\t> _NOTE_:", true],
    ["A note: this goes out", false],
    ["notes: go out", false],
    ["*notes*: go out", false],
    ["> no te: goes out", false],
    ["Keynote: goes out", false],
    ["note without a colon goes out", false],
    ["&amp;gt; note: an escaped ampersand is text", false],
  ])("%j → %s", (text, expected) => {
    expect(isInternalNote(text)).toBe(expected);
  });
});

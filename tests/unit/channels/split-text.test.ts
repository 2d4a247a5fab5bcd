import { describe, expect, it } from "vitest";
import { splitText } from "../../../src/channels/split-text.js";

describe("splitText", () => {
  it("leaves a text within the limit whole", () => {
    expect(splitText("hello", 5)).toEqual(["hello"]);
  });

  it("splits at spaces, in order, and every part fits", () => {
    const text = Array.from({ length: 50 }, (_, i) => `word${i}`).join(" ");
    const parts = splitText(text, 40);
    expect(parts.every((part) => [...part].length <= 40)).toBe(true);
    expect(parts.join(" ")).toBe(text);
  });

  it("cuts a text without spaces at the limit and never splits an emoji", () => {
    const parts = splitText("😀".repeat(5), 2);
    expect(parts).toEqual(["😀😀", "😀😀", "😀"]);
  });
});

import { describe, expect, it } from "vitest";
import { servedAs } from "../../../src/http/media.js";

describe("what /media/:token tells the browser", () => {
  it.each([
    ["image/png", { type: "image/png", disposition: "inline" }],
    ["audio/mpeg", { type: "audio/mpeg", disposition: "inline" }],
    ["Video/MP4; codecs=avc1", { type: "video/mp4", disposition: "inline" }],
    ["image/svg+xml", { type: "image/svg+xml", disposition: "attachment" }],
    ["text/html; charset=utf-8", { type: "text/html", disposition: "attachment" }],
    ["application/pdf", { type: "application/pdf", disposition: "attachment" }],
    ["", { type: "application/octet-stream", disposition: "attachment" }],
    ["image/png\r\nX-Evil: 1", { type: "application/octet-stream", disposition: "attachment" }],
  ])("%j → %j", (stored, expected) => {
    expect(servedAs(stored)).toEqual(expected);
  });
});

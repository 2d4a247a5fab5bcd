import type { MediaContent } from "../../core/model.js";
import { maxWebchatImageBytes } from "./message-body.js";

/** The first bytes each accepted type starts with: the declared type must be what the file is. */
const signatures: Record<string, (bytes: Uint8Array) => boolean> = {
  "image/jpeg": (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff,
  "image/png": (b) => [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a].every((byte, i) => b[i] === byte),
  "image/gif": (b) => String.fromCharCode(...b.subarray(0, 4)) === "GIF8",
  "image/webp": (b) =>
    String.fromCharCode(...b.subarray(0, 4)) === "RIFF" &&
    String.fromCharCode(...b.subarray(8, 12)) === "WEBP",
};

/** The image as a file to keep, or the problem with it in plain words. */
export function checkedImage(image: {
  contentType: string;
  filename: string;
  data: string;
}): MediaContent | { problem: string } {
  const bytes = Buffer.from(image.data, "base64");
  if (bytes.length === 0) return { problem: "the image is empty" };
  if (bytes.length > maxWebchatImageBytes) {
    return { problem: `images must be at most ${maxWebchatImageBytes / 1024 / 1024} MB` };
  }
  if (!signatures[image.contentType]?.(bytes)) {
    return { problem: "the file is not the image it says it is (JPEG, PNG, GIF or WebP)" };
  }
  const filename = image.filename.replace(/[^\w .-]/g, "_").slice(0, 100) || "image";
  return { bytes: new Uint8Array(bytes), contentType: image.contentType, filename };
}

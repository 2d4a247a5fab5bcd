import fs from "node:fs";
import { type Browser, chromium } from "playwright-core";

/** Debian's chromium: Playwright's own browser download needs the internet. CHROMIUM_PATH overrides it. */
export const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Headless Chromium; without it the browser tests fail saying how to install it, and never skip. */
export async function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(chromiumPath)) {
    throw new Error(
      `Chromium is needed for the browser tests and ${chromiumPath} does not exist: install it (apt-get install -y chromium) or set CHROMIUM_PATH to its binary`,
    );
  }
  return chromium.launch({
    executablePath: chromiumPath,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
}

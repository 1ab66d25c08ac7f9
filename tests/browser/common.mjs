// What the browser scripts share: the failing check and Chromium as they launch it.

import { chromium } from "playwright-core";

// Throws `message` (with what was seen) unless `condition` holds.
export function check(condition, message, seen) {
  if (!condition) {
    const detail = seen === undefined ? "" : `\n  seen: ${JSON.stringify(seen)}`;
    throw new Error(`${message}${detail}`);
  }
}

// Headless Chromium (/usr/bin/chromium unless CHROMIUM names another), in Chinese.
export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--lang=zh-CN"],
  });
}

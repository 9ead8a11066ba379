import { accessSync, constants } from "node:fs";
import { chromium, type Browser } from "playwright-core";

/** Debian's Chromium (never a downloaded browser); CHROMIUM_PATH overrides. */
export function chromiumPath(): string {
  return process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
}

/** Throws, with what to do, when the browser cannot be run. The browser suite never skips. */
export function assertChromiumInstalled(): void {
  const path = chromiumPath();
  try {
    accessSync(path, constants.X_OK);
  } catch {
    throw new Error(
      `Chromium is required for the browser tests but ${path} is not an executable file. ` +
        `Install it with \`apt-get install -y chromium\`, or set CHROMIUM_PATH to a Chromium binary.`,
    );
  }
}

const LAUNCH_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-quic",
  "--disable-sync",
];

export async function launchChromium(): Promise<Browser> {
  assertChromiumInstalled();
  try {
    return await chromium.launch({ executablePath: chromiumPath(), args: LAUNCH_ARGS });
  } catch (error) {
    throw new Error(`Could not launch Chromium at ${chromiumPath()}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

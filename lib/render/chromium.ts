/**
 * Headless Chromium through playwright-core, offline: for PNG chart fallbacks, the README chart
 * and the browser tests.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { BrowserContext } from "playwright-core";
import { StreamlabError } from "../errors";
import { findExecutable, isExecutable, withTimeout } from "./tools";

/** Headless Chromium flags used for screenshots and browser tests. */
export const CHROMIUM_ARGS: readonly string[] = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/**
 * The Chromium (or Chrome) executable: `STREAMLAB_CHROMIUM` when set, else Debian's
 * /usr/bin/chromium, else chromium/chrome on PATH; null when none is installed.
 */
export function findChromium(): string | null {
  const fromEnv = process.env.STREAMLAB_CHROMIUM;
  if (fromEnv) return isExecutable(fromEnv) ? fromEnv : null;
  return findExecutable(["/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome", "google-chrome-stable"]);
}

/** A headless Chromium with a fresh profile that only loads file:, data: and localhost URLs. */
export interface HeadlessBrowser {
  readonly context: BrowserContext;
  /** Closes the browser (bounded) and removes its profile. */
  close(): Promise<void>;
}

/**
 * Launches headless Chromium through playwright-core with `CHROMIUM_ARGS`, a fresh temporary
 * profile and every request to anything but file:, data:, blob: and localhost aborted.
 * @example const browser = await launchChromium(); try { … } finally { await browser.close(); }
 */
export async function launchChromium(
  options: { executablePath?: string; viewport?: { width: number; height: number } } = {},
): Promise<HeadlessBrowser> {
  const executablePath = options.executablePath ?? findChromium();
  if (!executablePath)
    throw new StreamlabError(
      "CHROMIUM_NOT_FOUND",
      "Chromium was not found: install it with `sudo apt-get install chromium` or set STREAMLAB_CHROMIUM to its path.",
    );
  const playwright = loadPlaywright();
  if (!playwright)
    throw new StreamlabError("PLAYWRIGHT_NOT_FOUND", "playwright-core is not installed: run `npm install` (it is a dev dependency).");
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "streamlab-chromium-"));
  let context: BrowserContext;
  try {
    context = await playwright.chromium.launchPersistentContext(profile, {
      executablePath,
      headless: true,
      args: [...CHROMIUM_ARGS],
      viewport: options.viewport ?? { width: 1024, height: 768 },
      deviceScaleFactor: 1,
      timeout: 60_000,
    });
    await context.route("**/*", (route) => (isOfflineUrl(route.request().url()) ? route.continue() : route.abort()));
  } catch (error) {
    fs.rmSync(profile, { recursive: true, force: true });
    throw error;
  }
  return {
    context,
    async close() {
      await withTimeout(context.close(), 30_000, "closing Chromium").catch(() => undefined);
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

function isOfflineUrl(url: string): boolean {
  const parsed = new URL(url);
  if (["file:", "data:", "blob:", "about:"].includes(parsed.protocol)) return true;
  return ["127.0.0.1", "localhost", "[::1]"].includes(parsed.hostname);
}

/** playwright-core, or null when it is not installed (it is a dev dependency). */
export function loadPlaywright(): typeof import("playwright-core") | null {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- optional dev dependency, loaded only when present
    return require("playwright-core") as typeof import("playwright-core");
  } catch {
    return null;
  }
}

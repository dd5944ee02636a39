/**
 * Debian's Chromium, driven by playwright-core (never a downloaded browser): where it is and the one set
 * of launch flags used by the report's PDF printer, the evidence capture's screenshots and the browser
 * tests. Adapter (checks the file system).
 */
import { existsSync } from "node:fs";

export const CHROMIUM_PATH = "/usr/bin/chromium";

/** Headless; no sandbox (CI runs as root); no background network, updates, sync or QUIC. */
export const CHROMIUM_ARGS: readonly string[] = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--no-first-run",
  "--disable-sync",
  "--disable-quic",
];

export function chromiumAvailable(path: string = CHROMIUM_PATH): boolean {
  return existsSync(path);
}

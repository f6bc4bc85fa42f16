// A real browser for tests: Debian's chromium driven by playwright-core. Tests skip (with the reason)
// when chromium is not installed; .ci/run installs it.
import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';

export const chromiumPath = process.env.EXECPLAN_CHROMIUM ?? '/usr/bin/chromium';

/** false when a browser can be started, else why not (for `t.test(name, { skip })`). */
export const noBrowser: string | false = existsSync(chromiumPath) ? false : `${chromiumPath} is not installed (apt-get install -y chromium)`;

export async function launchBrowser(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: chromiumPath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

// A real browser for tests: Debian's chromium driven by playwright-core. Tests skip (with the reason)
// when chromium is not installed; .ci/run installs it.
import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import t from 'tap';

export const chromiumPath = process.env.EXECPLAN_CHROMIUM ?? '/usr/bin/chromium';

/** false when a browser can be started, else why not (for `t.test(name, { skip })`). */
export const noBrowser: string | false = existsSync(chromiumPath) ? false : `${chromiumPath} is not installed (apt-get install -y chromium)`;

async function launchBrowser(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: chromiumPath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

// One chromium per test process (started by the first test that asks, closed when the process's tests
// end): starting chromium is ~1-2 s of CPU, and the browser test files share one process under
// `npx tap` (test/shared-browsers.test.ts). Each test takes its own context, as fresh as a new browser.
let shared: Promise<Browser> | undefined;
export function sharedBrowser(): Promise<Browser> {
  return (shared ??= launchBrowser().then((b) => {
    t.teardown(() => b.close());
    return b;
  }));
}

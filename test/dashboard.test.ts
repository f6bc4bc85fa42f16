// `execplan ui` in a real browser during a real run, and the Prometheus endpoint scraped meanwhile.
import { existsSync, copyFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { cliBackground, project, root } from './helpers/cli.js';
import { noBrowser, sharedBrowser } from './helpers/browser.js';

const plan = `version: 1
name: demo
title: Release demo
phases:
  - { id: build, title: Build }
  - { id: ship, title: Ship }
tasks:
  - { id: compile, title: Compile the code, phase: build, run: "echo compiling; while [ ! -f go ]; do sleep 0.05; done; echo compiled", estimate: 2 }
  - { id: lint, title: Lint the code, phase: build, run: "echo lint ok", estimate: 1 }
  - { id: test, title: Test the code, phase: build, run: "echo test 1; echo test 2", needs: [compile], estimate: 3 }
  - { id: deploy, title: Deploy the release, phase: ship, run: "echo deployed", gate: approve, needs: [test, lint] }
`;

async function until<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const got = await probe();
    if (got) return got;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function background(dir: string, args: string[]) {
  const run = cliBackground(args, { cwd: dir });
  t.teardown(() => {
    if (run.child.exitCode === null) run.child.kill('SIGINT');
  });
  return run;
}

t.test('the dashboard follows a live run, its buttons approve a gate, /metrics counts running tasks', { skip: noBrowser }, async (t) => {
  const dir = project({ 'plan.yaml': plan });
  const ui = background(dir, ['ui', '--port', '0']);
  const url = await until('the ui URL', () => /execplan ui: (http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{32})/.exec(ui.output())?.[1]);
  const base = url.replace(/\?.*/, '');
  const token = url.replace(/.*token=/, '');
  t.equal((await fetch(base)).status, 403, 'no token: refused');
  t.equal((await fetch(`${base}api/state?token=wrong${token.slice(5)}`)).status, 403, 'wrong token: refused');
  t.equal((await fetch(`${base}metrics`)).status, 403, 'metrics of the ui server need the token too');

  const context = await (await sharedBrowser()).newContext({ viewport: { width: 1280, height: 860 } });
  t.teardown(() => context.close());
  const page = await context.newPage();
  await page.goto(url);
  await page.waitForSelector('.node[data-task="deploy"][data-status="pending"]');
  t.equal(await page.textContent('#run'), 'no run yet', 'works before any run');

  const run = background(dir, ['run', '--wait', '--metrics-port', '0']);
  await page.waitForSelector('.node[data-task="compile"][data-status="running"]', { timeout: 30_000 });
  t.match(await page.textContent('#run'), /active \(pid \d+\)/);
  t.ok(await page.$('.node.critical[data-task="compile"]'), 'compile is on the critical path');

  // Both metrics endpoints see the running task: the run's own and the ui's.
  const metricsUrl = await until('the run metrics URL', () => /metrics: (http:\/\/127\.0\.0\.1:\d+\/metrics)/.exec(run.output())?.[1]);
  const scraped = await (await fetch(metricsUrl)).text();
  t.match(scraped, /^execplan_tasks\{state="running"\} 1$/m, 'run --metrics-port: one running task');
  t.match(scraped, /^execplan_run_info\{plan="Release demo",run_id="[^"]+"\} 1$/m);
  t.match(await (await fetch(`${base}metrics?token=${token}`)).text(), /^execplan_tasks\{state="running"\} 1$/m, 'ui /metrics: one running task');

  // The task panel follows the running attempt's log.
  await page.click('.node[data-task="compile"]');
  await page.waitForFunction(() => document.querySelector('#log')?.textContent?.includes('compiling'));
  writeFileSync(path.join(dir, 'go'), '');
  await page.waitForSelector('.node[data-task="compile"][data-status="done"]', { timeout: 30_000 });
  await page.waitForFunction(() => document.querySelector('#log')?.textContent?.includes('compiled'));
  await page.waitForSelector('.node[data-task="test"][data-status="done"]', { timeout: 30_000 });

  await page.click('.node[data-task="deploy"]');
  t.match(await page.textContent('#panel .waiting'), /approval/);
  await page.click('#panel button[data-action="approve"]');
  await page.waitForFunction(() => /approve deploy: applied by the running execplan run \(pid \d+\)/.test(document.querySelector('#toast')?.textContent ?? ''));
  await page.waitForSelector('.node[data-task="deploy"][data-status="done"]', { timeout: 30_000 });
  t.equal(await run.exited, 0, run.output());
  await page.waitForFunction(() => /not active, last outcome: completed/.test(document.querySelector('#run')?.textContent ?? ''));
  t.match(await page.textContent('#counts'), /4\/4/);

  // Same words as the CLI for a request that cannot apply.
  const answer = await (await fetch(`${base}api/control?token=${token}`, { method: 'POST', body: JSON.stringify({ action: 'skip', task: 'deploy' }) })).json();
  t.same(answer, { ok: false, message: "execplan skip: task 'deploy' is already done" });

  const shot = path.join(dir, 'dashboard.png');
  await page.click('.node[data-task="test"]');
  await page.waitForFunction(() => document.querySelector('#log')?.textContent?.includes('test 2'));
  await page.screenshot({ path: shot, fullPage: true });
  t.ok(existsSync(shot));
  // The screenshot in docs/ is this one: refresh it with EXECPLAN_UPDATE_SCREENSHOT=1.
  if (process.env.EXECPLAN_UPDATE_SCREENSHOT) copyFileSync(shot, path.join(root, 'docs', 'images', 'dashboard.png'));
  ui.child.kill('SIGINT');
  t.equal(await ui.exited, 0, 'Ctrl-C stops the ui server cleanly');
});

/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// Plan.md as a reviewer sees it: its Mermaid diagrams rendered by mermaid in a real browser. The gantt
// bars are measured in the drawn SVG against the frontier schedule, and a screenshot is kept
// (EXECPLAN_SCREENSHOT_DIR, default a temp folder; docs/images/ holds the committed one).
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { cli, root, tempDir } from './helpers/cli.js';
import { launchBrowser, noBrowser } from './helpers/browser.js';
import { mermaidBlocks } from './helpers/mermaid-check.js';

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

t.test('Plan.md renders in chromium and the drawn gantt bars sit where the schedule says', { skip: noBrowser }, async (t) => {
  const work = tempDir('execplan-browser-');
  const out = path.join(work, 'out');
  t.equal((await cli(['compile', 'examples/auth/plan.yaml', '--out', out])).code, 0);
  const blocks = mermaidBlocks(readFileSync(path.join(out, 'Plan.md'), 'utf8'));
  const ids: string[] = JSON.parse(readFileSync(path.join(out, 'tasks.json'), 'utf8')).tasks.map((x: { id: string }) => x.id);
  const schedule: { task: string; start: number; finish: number }[] = JSON.parse(readFileSync(path.join(out, 'waves.json'), 'utf8')).execution_models.rolling_frontier.schedule;
  const html = `<!doctype html><html><body style="width:1000px;font-family:sans-serif">${blocks.map((b) => `<pre class="mermaid">${escapeHtml(b)}</pre>`).join('\n')}</body></html>`;

  const browser = await launchBrowser();
  t.teardown(() => browser.close());
  const page = await browser.newPage({ viewport: { width: 1000, height: 900 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.setContent(html);
  await page.addScriptTag({ path: path.join(root, 'node_modules/mermaid/dist/mermaid.min.js') });
  await page.evaluate(async () => {
    const m = (globalThis as unknown as { mermaid: { initialize(c: object): void; run(): Promise<void> } }).mermaid;
    m.initialize({ startOnLoad: false });
    await m.run();
  });
  t.same(errors, [], 'no page errors');
  t.equal(await page.locator('pre.mermaid svg').count(), blocks.length, 'every diagram rendered to an SVG');
  t.equal(await page.locator('text=Syntax error').count(), 0, 'no mermaid syntax-error box');

  // Bars of the gantt: mermaid draws each task as a rect whose id ends in its bar id t<i>. Pixels per hour from the bars
  // themselves; then every bar's left edge must be at start * scale from the earliest one.
  const rects = await page.evaluate(() =>
    // Rendered ids are prefixed with the diagram's id: `mermaid-<n>-t3`.
    Object.fromEntries([...document.querySelectorAll('rect.task')].map((r) => [r.id.replace(/^.*-/, ''), { x: Number(r.getAttribute('x')), w: Number(r.getAttribute('width')) }])),
  );
  t.equal(Object.keys(rects).length, schedule.length, 'one drawn bar per scheduled task');
  const bar = (task: string) => rects[`t${ids.indexOf(task)}`]!;
  const longest = schedule.reduce((a, b) => (b.finish - b.start > a.finish - a.start ? b : a));
  const pxPerHour = bar(longest.task).w / (longest.finish - longest.start);
  const x0 = bar(longest.task).x - longest.start * pxPerHour;
  for (const s of schedule) {
    const r = bar(s.task);
    t.ok(
      Math.abs(r.x - (x0 + s.start * pxPerHour)) < 1.5 && Math.abs(r.w - (s.finish - s.start) * pxPerHour) < 1.5,
      `${s.task}: drawn at ${((r.x - x0) / pxPerHour).toFixed(2)}-${((r.x + r.w - x0) / pxPerHour).toFixed(2)} h, scheduled ${s.start}-${s.finish} h`,
    );
  }
  t.ok(
    schedule.some((s) => s.start > 0),
    'the plan has a bar that does not start at 0 (the old bug drew every bar from 0)',
  );

  const dir = process.env.EXECPLAN_SCREENSHOT_DIR ?? path.join(work, 'shots');
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, 'plan-auth.png'), fullPage: true });
});

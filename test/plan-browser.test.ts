/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// Plan.md as a reviewer sees it: the Markdown rendered (marked, GitHub-flavoured) with its Mermaid
// diagrams drawn by mermaid in a real browser. The gantt bars are measured in the drawn SVG against the
// frontier schedule, and a screenshot is kept (EXECPLAN_SCREENSHOT_DIR, default a temp folder;
// docs/images/ holds the committed ones).
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { cli, root, tempDir } from './helpers/cli.js';
import { noBrowser, sharedBrowser as browser } from './helpers/browser.js';
import { marked } from 'marked';
import { mermaidBlocks } from './helpers/mermaid-check.js';

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

for (const example of ['auth', 'saas-billing']) {
  t.test(`examples/${example}: Plan.md renders in chromium and the drawn gantt bars sit where the schedule says`, { skip: noBrowser }, async (t) => {
    const work = tempDir('execplan-browser-');
    const out = path.join(work, 'out');
    t.equal((await cli(['compile', `examples/${example}/plan.yaml`, '--out', out])).code, 0);
    const markdown = readFileSync(path.join(out, 'Plan.md'), 'utf8');
    const blocks = mermaidBlocks(markdown);
    const ids: string[] = JSON.parse(readFileSync(path.join(out, 'tasks.json'), 'utf8')).tasks.map((x: { id: string }) => x.id);
    const schedule: { task: string; start: number; finish: number }[] = JSON.parse(readFileSync(path.join(out, 'waves.json'), 'utf8')).execution_models.rolling_frontier.schedule;
    // The document as GitHub shows it: Markdown to HTML, each mermaid block as a diagram.
    const renderer = new marked.Renderer();
    const plainCode = renderer.code.bind(renderer);
    renderer.code = (token) => (token.lang === 'mermaid' ? `<pre class="mermaid">${escapeHtml(token.text)}\n</pre>` : plainCode(token));
    const body = await marked.parse(markdown, { gfm: true, renderer });
    const html = `<!doctype html><html><body style="width:1100px;font-family:sans-serif;font-size:14px">${body}</body></html>`;

    const context = await (await browser()).newContext({ viewport: { width: 1100, height: 900 } });
    t.teardown(() => context.close());
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.setContent(html);
    t.equal(await page.locator('pre.mermaid').count(), blocks.length, 'every mermaid block reached the page');
    await page.addScriptTag({ path: path.join(root, 'node_modules/mermaid/dist/mermaid.min.js') });
    await page.evaluate(async () => {
      const m = (globalThis as unknown as { mermaid: { initialize(c: object): void; run(): Promise<void> } }).mermaid;
      m.initialize({ startOnLoad: false, flowchart: { useMaxWidth: true } });
      await m.run();
    });
    t.same(errors, [], 'no page errors');
    t.equal(await page.locator('pre.mermaid svg').count(), blocks.length, 'every diagram rendered to an SVG');
    t.equal(await page.locator('text=Syntax error').count(), 0, 'no mermaid syntax-error box');
    // Every task of the plan is drawn as a node of some flowchart (the full graph, or its phase's graph).
    const drawn = await page.evaluate(() => [...document.querySelectorAll('pre.mermaid svg g.node')].map((g) => g.textContent ?? ''));
    for (const id of ids)
      t.ok(
        drawn.some((text) => text.startsWith(id)),
        `${id} is drawn in a graph`,
      );

    // Bars of the gantt: mermaid draws each task as a rect whose id ends in its bar id t<i>. Pixels per hour from the bars
    // themselves; then every bar's left edge must be at start * scale from the earliest one.
    const rects = await page.evaluate(() =>
      // Rendered ids are prefixed with the diagram's id: `mermaid-<n>-t3`.
      Object.fromEntries(
        [...document.querySelectorAll('rect.task')].map((r) => [r.id.replace(/^.*-/, ''), { x: Number(r.getAttribute('x')), w: Number(r.getAttribute('width')) }]),
      ),
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

    // The screenshots a reviewer looks at (docs/images/): a part of the page, from one heading to the next
    // element named; the whole document of a 60-task plan is tens of thousands of pixels tall.
    const dir = process.env.EXECPLAN_SCREENSHOT_DIR ?? path.join(work, 'shots');
    mkdirSync(dir, { recursive: true });
    const shots: [string, string, string][] =
      example === 'auth'
        ? [['plan-auth.png', 'Frontier timeline', 'details']]
        : [
            ['plan-saas-billing.png', 'Dependency graph', 'h2'],
            ['plan-saas-billing-phase.png', 'Phase 1: Foundation', 'ul'],
          ];
    for (const [file, heading, until] of shots) {
      const box = await page.evaluate(
        ([heading, until]) => {
          const start = [...document.querySelectorAll('h2, h3')].find((h) => h.textContent === heading);
          if (!start) return null;
          let end = start.nextElementSibling;
          while (end && !end.matches(until)) end = end.nextElementSibling;
          const top = start.getBoundingClientRect().top + window.scrollY;
          const bottom = end ? end.getBoundingClientRect().top + window.scrollY : document.body.scrollHeight;
          return { x: 0, y: Math.max(0, top - 8), width: document.body.scrollWidth, height: bottom - top + 8 };
        },
        [heading, until === 'h2' ? 'h2' : until] as const,
      );
      t.ok(box, `${heading} is a heading of the page`);
      if (box) await page.screenshot({ path: path.join(dir, file), fullPage: true, clip: box });
    }
  });
}

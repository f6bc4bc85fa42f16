// compile (all artifacts), compile --check, graph and export beads, through the CLI as users run it.
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync, appendFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { cli as cliInProcess, cliProcess, root, tempDir } from './helpers/cli.js';
import { ganttBars, ganttContent, mermaidBlocks, mermaidError } from './helpers/mermaid-check.js';

const cli = (args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) => cliInProcess(args, { cwd, env });

const readDir = (dir: string) =>
  Object.fromEntries(
    readdirSync(dir)
      .sort()
      .map((f) => [f, readFileSync(path.join(dir, f), 'utf8')]),
  );

const inline = `version: 1
name: inline
title: Inline plan
streams:
  core: { owns: ["src/**"] }
phases:
  - { id: build }
  - { id: ship }
tasks:
  - { id: lib, title: Build the library, stream: core, phase: build, estimate: 2, files: ["src/lib.ts"], acceptance: ["It builds"] }
  - { id: cli, title: Build the CLI, stream: core, phase: build, estimate: 3, files: ["src/lib.ts"], acceptance: ["It runs"] }
  - { id: docs, title: Write the docs, phase: ship, estimate: 1, acceptance: ["Docs exist"] }
`;

const work = tempDir('execplan-artifacts-');

const plans: Array<[string, string]> = [];
for (const name of existsSync(path.join(root, 'examples')) ? readdirSync(path.join(root, 'examples')).sort() : []) {
  if (!existsSync(path.join(root, 'examples', name, 'plan.yaml'))) continue;
  cpSync(path.join(root, 'examples', name), path.join(work, name), { recursive: true, filter: (src) => !src.includes('tasks_output') && !src.includes('.execplan') });
  plans.push([name, path.join(work, name, 'plan.yaml')]);
}
writeFileSync(path.join(work, 'inline.yaml'), inline);
plans.push(['inline', path.join(work, 'inline.yaml')]);

t.test('every example compiles to the full artifact set, byte-identical twice, with valid Mermaid', async (t) => {
  t.ok(plans.length >= 4, `the bundled examples and the inline plan (found ${plans.length})`);
  for (const [name, file] of plans) {
    const out = path.join(work, `${name}-out`);
    const first = await cli(['compile', file, '--out', out], work);
    t.equal(first.code, 0, `${name}: compile exits 0\n${first.stderr}`);
    const a = readDir(out);
    t.same(
      Object.keys(a),
      ['.tasks-meta.json', 'Decisions.md', 'Plan.md', 'beads.jsonl', 'coordinator.json', 'dag.json', 'features.json', 'tasks.json', 'waves.json'],
      `${name}: the documented artifacts`,
    );
    t.equal((await cli(['compile', file, '--out', out], work)).code, 0);
    t.same(readDir(out), a, `${name}: compiling twice gives identical bytes`);
    const blocks = mermaidBlocks(a['Plan.md']!);
    t.ok(blocks.length >= 2, `${name}: Plan.md has its flowchart and gantt (${blocks.length} diagrams)`);
    for (const block of blocks) t.equal(await mermaidError(block), null, `${name}: ${block.split('\n')[0]} parses`);
    const meta = JSON.parse(a['.tasks-meta.json']!);
    t.equal(meta.plan.file, path.relative(out, file), 'the plan path is relative to the output, not to where compile ran');
  }
});

t.test("every example's gantt bars, as mermaid itself reads them, are the frontier schedule", async (t) => {
  let bars = 0;
  for (const [name] of plans) {
    const out = path.join(work, `${name}-out`);
    const gantt = mermaidBlocks(readFileSync(path.join(out, 'Plan.md'), 'utf8')).find((b) => b.startsWith('gantt'));
    if (!gantt) continue;
    const ids: string[] = JSON.parse(readFileSync(path.join(out, 'tasks.json'), 'utf8')).tasks.map((x: { id: string }) => x.id);
    const schedule: { task: string; start: number; finish: number }[] = JSON.parse(readFileSync(path.join(out, 'waves.json'), 'utf8')).execution_models.rolling_frontier.schedule;
    // The bars are local date-times from 2000-01-01 00:00: mermaid parses them in this process's zone.
    const drawn = await ganttBars(gantt, new Date(2000, 0, 1));
    t.equal(drawn.size, schedule.length, `${name}: one bar per scheduled task`);
    for (const s of schedule) {
      const bar = drawn.get(`t${ids.indexOf(s.task)}`);
      const close = (a: number, b: number) => Math.abs(a - b) < 1 / 3600;
      t.ok(
        bar && close(bar.start, s.start) && close(bar.end, Math.max(s.finish, s.start + 1 / 3600)),
        `${name}: ${s.task} drawn ${bar?.start}-${bar?.end} h, scheduled ${s.start}-${s.finish} h`,
      );
      bars++;
    }
  }
  t.ok(bars >= 10, `checked ${bars} bars`);
});

t.test('the committed examples/auth/tasks_output is up to date', async (t) => {
  const r = await cli(['compile', 'examples/auth/plan.yaml', '--check'], root);
  t.equal(r.code, 0, `run \`execplan compile examples/auth/plan.yaml\` and commit the result\n${r.stderr}`);
});

t.test('SOURCE_DATE_EPOCH is the only timestamp', async (t) => {
  const out = path.join(work, 'sde');
  t.equal((await cli(['compile', 'inline.yaml', '--out', out], work, { SOURCE_DATE_EPOCH: '1700000000' })).code, 0);
  t.match(readFileSync(path.join(out, 'tasks.json'), 'utf8'), /"timestamp": "2023-11-14T22:13:20Z"/);
  t.match(readFileSync(path.join(out, 'beads.jsonl'), 'utf8'), /"created_at":"2023-11-14T22:13:20Z"/);
  const bad = await cli(['compile', 'inline.yaml', '--out', out], work, { SOURCE_DATE_EPOCH: 'now' });
  t.equal(bad.code, 1);
  t.match(bad.stderr, /SOURCE_DATE_EPOCH must be a whole number/);
});

t.test('compile --check: passes when fresh, exits 10 listing stale files after an edit, writes nothing', async (t) => {
  const dir = path.join(work, 'check');
  cpSync(path.join(work, 'inline.yaml'), path.join(dir, 'plan.yaml'));
  t.equal((await cli(['compile'], dir)).code, 0, 'default output: tasks_output/ beside the plan');
  const fresh = await cli(['compile', '--check'], dir);
  t.equal(fresh.code, 0);
  t.match(fresh.stderr, /9 artifacts in tasks_output\/ are up to date/);
  const before = readDir(path.join(dir, 'tasks_output'));
  appendFileSync(path.join(dir, 'plan.yaml'), '  - { id: extra, title: Add one more thing, phase: ship, estimate: 1, acceptance: ["Done"] }\n');
  // Through the real binary: the exit code a CI job sees.
  const stale = cliProcess(['compile', '--check'], { cwd: dir });
  t.equal(stale.code, 10, 'stale artifacts exit 10');
  t.match(stale.stderr, /stale artifacts; run `execplan compile` and commit the result/);
  t.match(stale.stderr, /tasks_output\/Plan\.md \(differs\)/);
  t.match(stale.stderr, /tasks_output\/\.tasks-meta\.json \(differs\)/);
  t.same(readDir(path.join(dir, 'tasks_output')), before, '--check writes nothing');
  rmSync(path.join(dir, 'tasks_output', 'beads.jsonl'));
  t.match((await cli(['compile', '--check'], dir)).stderr, /beads\.jsonl \(missing\)/);
});

t.test('analysis thresholds come from execplan.config.yaml', async (t) => {
  const dir = path.join(work, 'configured');
  cpSync(path.join(work, 'inline.yaml'), path.join(dir, 'plan.yaml'));
  t.equal((await cli(['compile'], dir)).code, 0);
  t.match(readFileSync(path.join(dir, 'tasks_output', 'Plan.md'), 'utf8'), /\*\*single-agent\*\*/);
  writeFileSync(path.join(dir, 'execplan.config.yaml'), 'analysis:\n  decomposition_hours: 4\n');
  const r = await cli(['compile'], dir);
  t.equal(r.code, 0, r.stderr);
  t.match(readFileSync(path.join(dir, 'tasks_output', 'Plan.md'), 'utf8'), /\*\*decomposition-required\*\*/);
  writeFileSync(path.join(dir, 'execplan.config.yaml'), 'analysis:\n  decompositon_hours: 4\n');
  const bad = await cli(['compile'], dir);
  t.equal(bad.code, 5, 'a misspelt threshold is an invalid config');
  t.match(bad.stderr, /config-invalid .*decompositon_hours/);
});

t.test('graph --format mermaid|dot|json', async (t) => {
  const m = await cli(['graph', 'inline.yaml'], work);
  t.equal(m.code, 0);
  t.equal(await mermaidError(m.stdout), null, 'the Mermaid parses');
  t.match(m.stdout, /subgraph s0\["stream: core"\]/);
  const d = await cli(['graph', 'inline.yaml', '--format', 'dot'], work);
  t.match(d.stdout, /^digraph "inline" \{/);
  t.match(d.stdout, /subgraph cluster_0/);
  const j = JSON.parse((await cli(['graph', 'inline.yaml', '--format', 'json'], work)).stdout);
  t.same(
    j.nodes.map((n: { id: string }) => n.id),
    ['lib', 'cli', 'docs'],
  );
  t.ok(Array.isArray(j.critical_path) && j.critical_path.length > 0);
  const bad = await cli(['graph', 'inline.yaml', '--format', 'svg'], work);
  t.equal(bad.code, 1);
  t.match(bad.stderr, /--format must be mermaid, dot or json/);
});

t.test('export beads: current time, -o, --import without bd is a clear error (exit 6)', async (t) => {
  const out = await cli(['export', 'beads', 'inline.yaml'], work);
  t.equal(out.code, 0);
  const lines = out.stdout
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l));
  t.equal(lines.length, 4);
  t.not(lines[0].created_at, '1980-01-01T00:00:00Z', 'an export records when it happened');
  t.ok(Math.abs(Date.parse(lines[0].created_at) - Date.now()) < 60_000);
  t.equal(lines[1].id, JSON.parse(readFileSync(path.join(work, 'inline-out', 'beads.jsonl'), 'utf8').split('\n')[1]!).id, 'the same ids as the compiled beads.jsonl');
  const prefixed = await cli(['export', 'beads', 'inline.yaml', '--prefix', 'bd', '-o', 'b.jsonl'], work);
  t.equal(prefixed.code, 0);
  t.match(readFileSync(path.join(work, 'b.jsonl'), 'utf8'), /^\{"id":"bd-[0-9a-f]{8}"/);
  const noBd = await cli(['export', 'beads', 'inline.yaml', '--import', '-o', 'c.jsonl'], work, { PATH: '/nonexistent' });
  t.equal(noBd.code, 6);
  t.match(noBd.stderr, /--import needs the beads CLI `bd` on PATH/);
  t.ok(existsSync(path.join(work, 'c.jsonl')), 'the file is still written');
  t.equal((await cli(['export', 'jira', 'inline.yaml'], work)).code, 1);

  // A stand-in `bd` that records how it was called, then succeeds or fails.
  const fakeBin = path.join(work, 'fake-bin');
  mkdirSync(fakeBin);
  cpSync(path.join(work, 'inline.yaml'), path.join(work, 'imp', 'plan.yaml'));
  const fake = (code: number) =>
    writeFileSync(path.join(fakeBin, 'bd'), `#!/bin/sh\necho "$@" > "${path.join(work, 'bd-args')}"\necho "Imported 4 issues"\nexit ${code}\n`, { mode: 0o755 });
  fake(0);
  const env = { PATH: `${fakeBin}:/usr/bin:/bin` };
  const ok = await cli(['export', 'beads', '--import'], path.join(work, 'imp'), env);
  t.equal(ok.code, 0, ok.stderr);
  t.equal(readFileSync(path.join(work, 'bd-args'), 'utf8').trim(), `import -i ${path.join(work, 'imp', 'beads.jsonl')}`, 'bd import -i <file beside the plan>');
  t.match(ok.stderr, /Imported 4 issues/);
  fake(3);
  const failed = await cli(['export', 'beads', '--import'], path.join(work, 'imp'), env);
  t.equal(failed.code, 6);
  t.match(failed.stderr, /bd import failed \(exit 3\); beads\.jsonl is kept/);
});

t.test('titles with Markdown, HTML, quotes, newlines and unicode keep Plan.md and its Mermaid intact', async (t) => {
  const dir = path.join(work, 'odd');
  mkdirSync(dir);
  writeFileSync(
    path.join(dir, 'plan.yaml'),
    `version: 1
name: odd
title: "Odd plan\\nsecond line"
streams:
  ui: { title: 'UI "x" | y', owns: ["src/ui/**"] }
resources:
  lock: { capacity: 1, reason: "one\\nat a time <b>" }
tasks:
  - id: a
    title: 'Render the <Button> component "quoted"] --> B | pipe'
    stream: ui
    estimate: 0
    resources: { lock: 1 }
    acceptance: ['Works | really', "two\\nlines"]
  - id: b
    title: 'Add ünïcödé 日本語 🚀; %% #quot; <!-- never closed'
    estimate: 1
    needs: [a]
    resources: { lock: 1 }
    deps: [{ task: a, hard: false, reason: "why\\n<i>not</i>" }]
    acceptance: [ok]
`,
  );
  const r = await cli(['compile'], dir);
  t.equal(r.code, 0, r.stderr);
  const md = readFileSync(path.join(dir, 'tasks_output', 'Plan.md'), 'utf8');
  const decisions = readFileSync(path.join(dir, 'tasks_output', 'Decisions.md'), 'utf8');
  t.match(md, /^# Odd plan second line\n/, 'a multi-line title stays one heading');
  t.match(decisions, /^# Decisions: Odd plan second line\n/);
  t.match(md, /Render the &lt;Button> component "quoted"\] --> B \\\| pipe/, 'a tag-like title is escaped (GitHub would drop <Button>)');
  t.match(md, /&lt;!-- never closed/, 'an unclosed comment cannot hide the rest of Plan.md');
  t.match(decisions, /one at a time &lt;b>/, 'reasons stay on their bullet');
  t.notMatch(decisions, /\n&lt;i>|\n<i>/);
  const blocks = mermaidBlocks(md);
  t.ok(blocks.length >= 2, 'the odd plan still gets its diagrams');
  for (const block of blocks) t.equal(await mermaidError(block), null, `${block.split('\n')[0]} parses`);
  t.equal(await mermaidError((await cli(['graph'], dir)).stdout), null, 'graph output parses');
});

t.test('a small plan with more than 500 arrows gets the condensed graph in Plan.md (Mermaid refuses to render it)', async (t) => {
  const dir = path.join(work, 'dense');
  mkdirSync(dir);
  const layer = Array.from({ length: 23 }, (_, i) => `a${i}`);
  const tasks = [
    ...layer.map((id) => `  - { id: ${id}, title: Build ${id}, estimate: 1, acceptance: [ok] }`),
    ...layer.map((_, i) => `  - { id: b${i}, title: Build b${i}, estimate: 1, needs: [${layer.join(', ')}], acceptance: [ok] }`),
  ];
  writeFileSync(path.join(dir, 'plan.yaml'), `version: 1\nname: dense\ntasks:\n${tasks.join('\n')}\n`);
  t.equal((await cli(['compile'], dir)).code, 0);
  const md = readFileSync(path.join(dir, 'tasks_output', 'Plan.md'), 'utf8');
  t.match(md, 'more dependencies to draw than Mermaid renders (500)');
  for (const block of mermaidBlocks(md)) t.equal(await mermaidError(block), null, `${block.split('\n')[0]} parses`);
  const graph = await cli(['graph'], dir);
  t.equal(graph.code, 0);
  t.match(graph.stderr, 'note: 529 arrows; Mermaid (and GitHub) render at most 500: use --format dot');
});

t.test('task ids that are gantt keywords (title, section, dateFormat) stay bars of the gantt', async (t) => {
  const dir = path.join(work, 'keywords');
  mkdirSync(dir);
  const ids = ['title', 'section', 'dateFormat', 'Excludes', 'b'];
  writeFileSync(
    path.join(dir, 'plan.yaml'),
    `version: 1\nname: keywords\ntasks:\n${ids.map((id) => `  - { id: ${id}, title: Build it, estimate: 1, acceptance: [ok] }\n`).join('')}`,
  );
  t.equal((await cli(['compile'], dir)).code, 0);
  const gantt = mermaidBlocks(readFileSync(path.join(dir, 'tasks_output', 'Plan.md'), 'utf8')).find((b) => b.startsWith('gantt'))!;
  // Once: `title Build it :...` became the diagram's title and `dateFormat Build it ...` its date format.
  const content = await ganttContent(gantt);
  t.equal(content.dateFormat, 'YYYY-MM-DDTHH:mm:ss');
  t.equal(content.tasks.length, ids.length, 'one bar per task');
});

t.test('compile: analysis warnings point at the task they are about', async (t) => {
  const dir = path.join(work, 'findings');
  mkdirSync(dir, { recursive: true });
  // The test-first task before it gains a generated `first.tests` task: positions must still be the file's.
  writeFileSync(
    path.join(dir, 'plan.yaml'),
    `version: 1
name: findings
tasks:
  - id: first
    title: Build the first part
    estimate: 2
    test: test-first
    agent: {}
    acceptance: [done]
  - id: huge
    title: Build everything at once
    estimate: 30
    agent: {}
    acceptance: [done]
`,
  );
  const r = await cli(['compile'], dir);
  t.equal(r.code, 0);
  t.match(r.stderr, /^plan\.yaml:10:9: warning task-too-large task 'huge' takes 30 h/m);
});

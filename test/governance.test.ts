// Governance end to end: who did it (actor), approve/reject with reasons and rework, plan approval.
import { readdirSync, readFileSync, writeFileSync, appendFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import path from 'node:path';
import t from 'tap';
import { cli, project } from './helpers/cli.js';

const env = { CI: '1', NO_COLOR: '1', EXECPLAN_ACTOR: 'Ana Reviewer <ana@example.com>' };
const header = 'version: 1\nname: demo\ntitle: Demo\n';

function journal(dir: string): Array<Record<string, unknown>> {
  return readFileSync(path.join(dir, '.execplan', 'demo', 'journal.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}
const run = (dir: string, ...args: string[]) => cli(args, { cwd: dir, env });

// date-time is checked by hand below (the ajv-formats plugin is not a dependency).
const ajv = new Ajv2020({ strict: true, allErrors: true, validateFormats: false });
const validateHandoff = ajv.compile(JSON.parse(readFileSync(path.resolve(import.meta.dirname, '..', 'schema', 'handoff.schema.json'), 'utf8')));

/** Every hand-off artifact of a state, by `<task>/<file>`. */
function handoffs(dir: string): Record<string, Record<string, unknown>> {
  const root = path.join(dir, '.execplan', 'demo', 'handoffs');
  const out: Record<string, Record<string, unknown>> = {};
  for (const task of readdirSync(root, { withFileTypes: true })) {
    if (!task.isDirectory()) continue;
    for (const f of readdirSync(path.join(root, task.name))) out[`${task.name}/${f}`] = JSON.parse(readFileSync(path.join(root, task.name, f), 'utf8')) as Record<string, unknown>;
  }
  return out;
}

t.test('a gated review rejected with --to re-runs the implementation and counts one rework', async (t) => {
  const dir = project({
    'plan.yaml': `${header}tasks:
  - { id: design, title: Design api, run: "echo design >> ran.txt" }
  - { id: impl, title: Implement api, run: "echo impl >> ran.txt", needs: [design] }
  - { id: tests, title: Test api, run: "echo tests >> ran.txt", needs: [impl] }
  - { id: review, title: Review api, run: "echo review >> ran.txt; echo review", gate: approve, needs: [tests] }
`,
  });
  const first = await run(dir, 'run');
  t.equal(first.code, 7, first.stdout + first.stderr);
  t.equal(readFileSync(path.join(dir, 'ran.txt'), 'utf8'), 'design\nimpl\ntests\n');

  t.equal((await run(dir, 'reject', 'review')).code, 1, '--reason is required');
  const bad = await run(dir, 'reject', 'review', '--reason', 'x', '--to', 'nope');
  t.equal(bad.code, 1);
  t.match(bad.stderr, /unknown task 'nope' \(--to\)/);
  const rejected = await run(dir, 'reject', 'review', '--reason', 'no error handling', '--to', 'impl');
  t.equal(rejected.code, 0, rejected.stderr);
  t.match(rejected.stdout, /reject review \(re-opens impl, tests\): recorded/);
  const record = journal(dir).find((r) => r.action === 'reject')!;
  t.match(record, { type: 'control', task: 'review', reason: 'no error handling', to: 'impl', reopened: ['impl', 'tests'], attempt: 1, actor: 'Ana Reviewer <ana@example.com>' });

  const status = await run(dir, 'status', '--json');
  const view = JSON.parse(status.stdout) as { tasks: Array<{ id: string; rework: number; status: string }>; decisions: Array<Record<string, unknown>> };
  t.same(
    view.tasks.map((x) => [x.id, x.rework]),
    [
      ['design', 0],
      ['impl', 1],
      ['tests', 1],
      ['review', 0],
    ],
  );
  t.match(view.decisions, [{ task: 'review', decision: 'rejected', actor: 'Ana Reviewer <ana@example.com>', reason: 'no error handling' }]);
  t.match(
    (await run(dir, 'status')).stdout,
    /rework: impl ×1, tests ×1\ndecisions:\n {2}\S+ {2}review rejected by Ana Reviewer <ana@example.com> \(attempt 1\): no error handling → re-opened impl, tests/,
  );

  const second = await run(dir, 'run');
  t.equal(second.code, 7, 'the gate waits for a new decision');
  t.match(second.stdout, /start  impl \(attempt 2\)/);
  t.equal(readFileSync(path.join(dir, 'ran.txt'), 'utf8'), 'design\nimpl\ntests\nimpl\ntests\n', 'design is not re-run');

  const approved = await run(dir, 'approve', 'review', '--reason', 'looks right now');
  t.equal(approved.code, 0, approved.stderr);
  t.equal((await run(dir, 'run')).code, 0);
  t.match(
    journal(dir).find((r) => r.action === 'approve'),
    { task: 'review', reason: 'looks right now', attempt: 2, actor: 'Ana Reviewer <ana@example.com>' },
  );
  t.match(
    journal(dir).find((r) => r.type === 'run-start'),
    { actor: 'Ana Reviewer <ana@example.com>' },
  );

  // After the review ran, rejecting it without --to re-opens its direct upstream and the review itself.
  const again = await run(dir, 'reject', 'review', '--reason', 'regression found');
  t.match(again.stdout, /re-opens tests, review/);

  // One hand-off artifact per event that matters, each valid against its schema.
  const files = handoffs(dir);
  t.same(Object.keys(files).sort(), [
    'design/1-finished.json',
    'impl/1-finished.json',
    'impl/2-finished.json',
    'review/0-approved.json',
    'review/0-rejected.json',
    'review/1-finished.json',
    'review/1-rejected.json',
    'tests/1-finished.json',
    'tests/2-finished.json',
  ]);
  for (const [name, doc] of Object.entries(files)) {
    t.ok(validateHandoff(doc), `${name}: ${ajv.errorsText(validateHandoff.errors)}`);
    t.equal(new Date(String(doc.timestamp)).toISOString(), doc.timestamp, `${name}: timestamp is ISO 8601 UTC`);
  }
  t.match(files['review/0-approved.json'], {
    schema_version: 1,
    task: 'review',
    plan: 'demo',
    event: 'approved',
    attempt: 0,
    step_order: null,
    actor: 'Ana Reviewer <ana@example.com>',
    outcome: { summary: 'looks right now', judged_attempt: 2 },
    integrated: true,
  });
  t.match(files['review/0-rejected.json'], {
    event: 'rejected',
    outcome: { summary: 'no error handling', reopened: ['impl', 'tests'], judged_attempt: 1 },
    links: ['.execplan/demo/handoffs/tests/1-finished.json'],
  });
  t.same(files['impl/2-finished.json']!.links, ['.execplan/demo/handoffs/impl/1-finished.json', '.execplan/demo/handoffs/design/1-finished.json']);
  t.match(files['impl/2-finished.json'], {
    event: 'finished',
    attempt: 2,
    step_order: 4,
    outcome: { summary: 'finished with no output', exit_code: 0 },
    next_action: 'dependent tasks can start: tests',
  });
  t.match(files['review/1-finished.json'], {
    outcome: { summary: 'review' },
    links: ['.execplan/demo/handoffs/review/0-approved.json', '.execplan/demo/handoffs/tests/2-finished.json', '.execplan/demo/logs/review/1.log'],
  });
  t.match(files['review/1-rejected.json'], { event: 'rejected', outcome: { summary: 'regression found', reopened: ['tests', 'review'] }, next_action: /redo tests, review/ });
});

t.test("after done --reason the next hand-off is the person's statement", async (t) => {
  const dir = project({ 'plan.yaml': `${header}tasks:\n  - { id: x, title: Fail x, run: "echo boom; exit 3" }\n  - { id: y, title: Run y, run: "true", needs: [x] }\n` });
  t.equal((await run(dir, 'run')).code, 7);
  t.match(handoffs(dir)['x/1-failed.json'], { event: 'failed', outcome: { summary: 'boom', exit_code: 3 }, next_action: /execplan retry x/ });
  t.equal((await run(dir, 'done', 'x', '--reason', 'fixed by hand in prod')).code, 0);
  const { latestHandoff } = await import('../src/runner/handoff-artifacts.js');
  t.match(latestHandoff(path.join(dir, '.execplan', 'demo'), 'x')?.artifact, {
    event: 'finished',
    actor: 'Ana Reviewer <ana@example.com>',
    outcome: { summary: 'fixed by hand in prod' },
  });
});

t.test('actor falls back to git user, then the OS user, never a pid', async (t) => {
  const dir = project({ 'plan.yaml': `${header}tasks:\n  - { id: m, title: Manual step }\n` });
  const noActor = { CI: '1', GIT_CONFIG_GLOBAL: path.join(dir, 'gitconfig'), GIT_CONFIG_NOSYSTEM: '1', USER: 'osuser' };
  writeFileSync(path.join(dir, 'gitconfig'), '[user]\n\tname = Git Person\n\temail = git@example.com\n');
  t.equal((await cli(['done', 'm', '--reason', 'by hand'], { cwd: dir, env: noActor })).code, 0);
  t.match(journal(dir).at(-1), { action: 'done', actor: 'Git Person <git@example.com>' });
  writeFileSync(path.join(dir, 'gitconfig'), '');
  t.equal((await cli(['retry', 'm'], { cwd: dir, env: noActor })).code, 0);
  t.match(String(journal(dir).at(-1)!.actor), /^osuser@/);
});

t.test('a plan that requires approval runs only once approved, and again not after an edit', async (t) => {
  const plan = `${header}settings: { require_approval: true }\ntasks:\n  - { id: a, title: Build a, run: "echo a >> ran.txt" }\n`;
  const dir = project({ 'plan.yaml': plan });
  const refused = await run(dir, 'run');
  t.equal(refused.code, 6);
  t.match(refused.stderr, /cannot start: this plan requires approval before it runs .*execplan approve --plan plan.yaml --reason TEXT/);
  t.equal((await run(dir, 'approve', '--plan')).code, 1, '--reason is required for a plan approval');
  const ok = await run(dir, 'approve', '--plan', '--reason', 'scope agreed in planning');
  t.equal(ok.code, 0, ok.stderr);
  t.match(ok.stdout, /approve plan demo \(version [0-9a-f]{12}\) by Ana Reviewer/);
  t.match(journal(dir).at(-1), { action: 'approve-plan', plan: 'demo', reason: 'scope agreed in planning', actor: 'Ana Reviewer <ana@example.com>' });
  t.match((await run(dir, 'status')).stdout, /plan approved by Ana Reviewer <ana@example.com> at \S+ \(version [0-9a-f]{12}\): scope agreed in planning/);
  t.equal((await run(dir, 'run')).code, 0);

  appendFileSync(path.join(dir, 'plan.yaml'), '# a comment does not change what the plan says\n');
  t.equal((await run(dir, 'run')).code, 0, 'a comment edit keeps the approval');
  writeFileSync(path.join(dir, 'plan.yaml'), plan.replace('echo a', 'echo changed'));
  const voided = await run(dir, 'run');
  t.equal(voided.code, 6);
  t.match(voided.stderr, /the plan changed since Ana Reviewer <ana@example.com> approved it/);
  t.match((await run(dir, 'status')).stdout, /plan approval void/);

  // --require-approval asks the same of a plan that does not say so.
  const dir2 = project({ 'plan.yaml': `${header}tasks:\n  - { id: a, title: Build a, run: "true" }\n` });
  t.equal((await run(dir2, 'run', '--require-approval')).code, 6);
  t.equal((await run(dir2, 'run')).code, 0);
});

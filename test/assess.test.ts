// `execplan assess` and `execplan draft --single` with the fake agent CLIs: the assessment as text and
// JSON, a malformed answer, and the one-task fast path (written only for single-agent at high confidence).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { cli, project, root } from './helpers/cli.js';

const fakeBin = path.join(root, 'test/fixtures/agents/bin');
const env = (extra: Record<string, string> = {}) => ({ PATH: `${fakeBin}:${process.env.PATH}`, FAKE_AGENT_MODE: 'assess', ...extra });
const spec = '# Widget flag\n\nAdd a --widget flag to the CLI.\n';
const big = JSON.stringify({
  recommendation: 'multi-agent',
  confidence: 'medium',
  rationale: 'API and UI in parallel.',
  drivers: { components: ['API', 'UI'], integration_points: ['REST contract'], risks: [], estimated_hours: 40 },
});

t.test('assess: text and JSON, and an answer that is not an assessment', async (t) => {
  const dir = project({ 'spec.md': spec });
  const r = await cli(['assess', 'spec.md'], { cwd: dir, env: env() });
  t.equal(r.code, 0, r.stderr);
  t.equal(r.stdout, 'scope: single-agent (confidence high)\nOne small CLI change.\nestimated effort: 3 h\ncomponents:\n  - Widget command\nrisks:\n  - Flag parsing edge cases\n');
  const j = await cli(['assess', 'spec.md', '--json'], { cwd: dir, env: env({ FAKE_ASSESSMENT: big, FAKE_AGENT_RECORD: path.join(dir, 'rec') }) });
  t.same(JSON.parse(j.stdout).drivers.integration_points, ['REST contract']);
  const call = JSON.parse(readFileSync(path.join(dir, 'rec/1.json'), 'utf8')) as { argv: string[]; stdin: string };
  t.equal(JSON.parse(call.argv[call.argv.indexOf('--json-schema') + 1]!).title, 'Assessment', 'the agent gets the assessment schema');
  t.match(call.stdin, '<spec>\n# Widget flag\n\nAdd a --widget flag to the CLI.\n\n</spec>', 'and the whole spec');
  const bad = await cli(['assess', 'spec.md'], { cwd: dir, env: env({ FAKE_ASSESSMENT: '{"recommendation":"maybe"}' }) });
  t.equal(bad.code, 5);
  t.match(bad.stderr, 'claude answered with no usable assessment: recommendation must be single-agent, multi-agent or decomposition-required, not "maybe"');
  const noAgent = await cli(['assess', 'spec.md'], { cwd: dir, env: { PATH: '/nonexistent' } });
  t.equal(noAgent.code, 6);
});

t.test('draft --single: one task carrying the whole spec, only when one agent can do it', async (t) => {
  const dir = project({ 'docs/spec.md': spec });
  const refused = await cli(['draft', 'docs/spec.md', '--single'], { cwd: dir, env: env({ FAKE_ASSESSMENT: big }) });
  t.equal(refused.code, 1);
  t.match(refused.stderr, 'this is multi-agent (confidence medium). Run `execplan draft docs/spec.md` for a full plan, or pass --yes');
  t.notOk(existsSync(path.join(dir, 'plan.yaml')));
  const r = await cli(['draft', 'docs/spec.md', '--single'], { cwd: dir, env: env() });
  t.equal(r.code, 0, r.stderr);
  t.equal(
    readFileSync(path.join(dir, 'plan.yaml'), 'utf8'),
    `# One-task plan written by \`execplan draft --single\`: the assessment was single-agent (confidence high).
# One small CLI change.
# The task carries the whole spec; for a plan of several tasks run \`execplan draft\` without --single.
version: 1
name: widget-flag
title: Widget flag
spec: docs/spec.md

tasks:
  - id: implement
    title: Implement Widget flag
    description: Implement everything docs/spec.md asks for, in one session.
    estimate: 3
    risk: medium
    agent: { profile: claude }
    acceptance:
      - Every requirement in docs/spec.md is met
    steps:
      - Widget command
`,
  );
  t.equal((await cli(['validate'], { cwd: dir })).code, 0);
  const beads = await cli(['export', 'beads', '-o', 'b.jsonl'], { cwd: dir });
  t.equal(beads.code, 0);
  t.equal(
    readFileSync(path.join(dir, 'b.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .filter((l) => JSON.parse(l).issue_type === 'task').length,
    1,
    'one beads issue (under the plan epic)',
  );
  const forced = await cli(['draft', 'docs/spec.md', '--single', '--yes', '--force'], { cwd: dir, env: env({ FAKE_ASSESSMENT: big }) });
  t.equal(forced.code, 0, forced.stderr);
  t.match(readFileSync(path.join(dir, 'plan.yaml'), 'utf8'), 'the assessment was multi-agent (confidence medium)');
});

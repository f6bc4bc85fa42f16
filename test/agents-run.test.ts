// execplan run with agent tasks, end to end through the CLI (in process) with the fake agent CLIs.
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cli, project as tempProject } from './helpers/cli.js';

const fakeBin = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures/agents/bin');

const project = (plan: string, files: Record<string, string> = {}) => tempProject({ 'plan.yaml': plan, 'spec.md': '# Spec\n\nMake the thing.\n', ...files }, 'execplan-agent-run-');

async function run(dir: string, args: string[], env: Record<string, string> = {}) {
  return cli(['run', ...args], {
    cwd: dir,
    inheritEnv: true,
    env: {
      CI: '1',
      PATH: `${fakeBin}:${process.env.PATH}`,
      FAKE_AGENT_RECORD: path.join(dir, '.records'),
      FAKE_AGENT_MODE: 'edit',
      FAKE_AGENT_EDIT: 'src/thing.ts',
      EXECPLAN_KILL_GRACE_MS: '200',
      ...env,
    },
  });
}

async function status(dir: string, ...args: string[]) {
  const { code, stdout } = await cli(['status', ...args], { cwd: dir, inheritEnv: true, env: { CI: '1' } });
  return { code, stdout };
}

const PLAN = `version: 1
name: demo
spec: spec.md
tasks:
  - { id: prep, title: Prepare, run: "touch prep.txt" }
  - id: impl
    title: Implement the thing
    needs: [prep]
    agent: { profile: claude }
    acceptance:
      - { file: src/thing.ts, contains: "edited by agent-1" }
`;

t.test('an agent task runs after its upstream, logs its transcript, records usage, and passes its checks', async (t) => {
  const dir = project(PLAN);
  const r = await run(dir, []);
  t.equal(r.code, 0, r.stderr + r.stdout);
  const log = readFileSync(path.join(dir, '.execplan/demo/logs/impl/1.log'), 'utf8');
  t.match(log, /"type":"result"/, 'the stream-json transcript is the attempt log');
  t.match(log, /"usage":\{"input_tokens":1200,"output_tokens":340/, 'usage figures are not mistaken for secrets');
  t.match(log, /agent-1 \(claude\): claude -p --output-format stream-json --verbose/);
  t.match(r.stdout, /impl : agent-1: Edit src\/thing\.ts/, 'progress shows in the plain view');
  t.notMatch(r.stdout, /impl \| \{/, "the agent's raw stream-json lines stay out of the plain console");
  t.notMatch(r.stdout, /"type":"result"/, 'not even the result event');
  t.match(r.stdout, /impl \| \[execplan\] agent-1 usage: 1200 input/, "execplan's own lines about the agent still show");
  t.match(r.stdout, /Agent usage: 1 task, 1200 input \+ 340 output tokens \(800 cached\), 3 turns, 2 tool calls, \$0\.01 reported/);
  const runs = readdirSync(path.join(dir, '.execplan/demo/runs'));
  const summary = JSON.parse(readFileSync(path.join(dir, '.execplan/demo/runs', runs[0]!), 'utf8'));
  t.match(
    summary.agents,
    { totals: { agents: 1, inputTokens: 1200, outputTokens: 340, turns: 3, costUsd: 0.0123 }, tasks: { impl: { inputTokens: 1200, turns: 3 } } },
    'usage is kept in the run summary',
  );
  const stdin = JSON.parse(readFileSync(path.join(dir, '.records/1.json'), 'utf8')).stdin as string;
  t.match(stdin, /### prep: Prepare \(done\)/, 'the prompt carries the upstream status from the run state');
  const shown = await status(dir);
  t.equal(shown.code, 0);
  t.match(shown.stdout, /Agent usage: 1 task, 1200 input \+ 340 output tokens \(800 cached\), 3 turns, 2 tool calls, \$0\.01 reported/, 'status shows the usage');
  const json = JSON.parse((await status(dir, '--json')).stdout);
  t.match(
    json.agents,
    { totals: { agents: 1, inputTokens: 1200, outputTokens: 340, cacheReadTokens: 800, turns: 3, toolCalls: 2, costUsd: 0.0123 }, tasks: { impl: { inputTokens: 1200 } } },
    'status --json carries it',
  );
});

t.test('an agent that exits 0 but leaves a failing check fails the task', async (t) => {
  const dir = project(PLAN.replace('edited by agent-1', 'something else'));
  const r = await run(dir, []);
  t.equal(r.code, 7);
  t.match(r.stdout, /FAILED impl/);
});

t.test('a missing agent CLI stops the run before any task runs (exit 6, install hint)', async (t) => {
  const dir = project(PLAN);
  const r = await run(dir, [], { PATH: path.dirname(process.execPath) });
  t.equal(r.code, 6);
  t.match(r.stderr, /cannot start: agent command 'claude' \(profile claude\) not found on PATH: install Claude Code/);
  t.notOk(existsSync(path.join(dir, 'prep.txt')), 'the command task before it did not run');
});

t.test('--worktrees: stream tasks run and are committed on execplan/<plan>/<stream>, the branch tasks.json records', async (t) => {
  const dir = project(
    `version: 1
name: demo
streams:
  core: { owns: ["src/**"] }
  side: { owns: ["wip/**"] }
  held: { owns: ["held/**"] }
tasks:
  - id: impl
    title: Implement the thing
    stream: core
    agent: {}
    acceptance: [{ file: src/thing.ts }]
  - { id: after, title: Check outside, needs: [impl], run: "test ! -e src/thing.ts" }
  - { id: wip, title: Fail half-way, stream: side, needs: [after], run: "mkdir wip && echo half > wip/a.txt && exit 1" }
  - id: hold
    title: Finish but cannot commit
    stream: held
    needs: [after]
    run: 'mkdir held && echo done > held/b.txt && touch "$(git rev-parse --git-path index.lock)"'
`,
    { '.gitignore': '.execplan/\n.records/\n' },
  );
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8' });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '-m', 'base');
  const r = await run(dir, ['--worktrees', '--keep-going']);
  t.equal(r.code, 7, r.stderr + r.stdout);
  // The branch the compiled tasks.json records for a stream task is the branch the run created.
  const compiled = await cli(['compile', 'plan.yaml', '--out', '.records/out'], { cwd: dir });
  t.equal(compiled.code, 0, compiled.stderr);
  const recorded = (JSON.parse(readFileSync(path.join(dir, '.records/out/tasks.json'), 'utf8')) as { tasks: Array<{ id: string; branch: string | null }> }).tasks;
  const branch = recorded.find((task) => task.id === 'impl')!.branch!;
  t.equal(branch, 'execplan/demo/core');
  t.match(r.stdout, `  1. ${branch}  (stream core, 1 commit, not merged into main)`);
  t.equal(git('show', `${branch}:src/thing.ts`), 'edited by agent-1\n');
  t.same(git('branch', '--list', 'execplan/*', '--format=%(refname:short)').trim().split('\n'), ['execplan/demo/core', 'execplan/demo/held', 'execplan/demo/side']);
  t.equal(recorded.find((task) => task.id === 'hold')!.branch, 'execplan/demo/held');
  t.notOk(existsSync(path.join(dir, 'src/thing.ts')), 'the checkout is untouched');
  const runFile = readdirSync(path.join(dir, '.execplan/demo/runs'))[0]!;
  t.same(JSON.parse(readFileSync(path.join(dir, '.execplan/demo/runs', runFile), 'utf8')).branches, [
    { stream: 'core', branch: 'execplan/demo/core' },
    { stream: 'side', branch: 'execplan/demo/side' },
    { stream: 'held', branch: 'execplan/demo/held' },
  ]);
  // Work that is not on a branch is never deleted: the worktrees with uncommitted changes are kept and named.
  const side = path.join(dir, '.execplan/worktrees', 'side');
  const held = path.join(dir, '.execplan/worktrees', 'held');
  t.notOk(existsSync(path.join(dir, '.execplan/worktrees', 'core')), 'the clean worktree is removed after the run');
  t.equal(readFileSync(path.join(side, 'wip/a.txt'), 'utf8'), 'half\n', 'the failed task keeps its work');
  t.equal(readFileSync(path.join(held, 'held/b.txt'), 'utf8'), 'done\n', 'the task whose commit failed keeps its work');
  t.match(r.stdout, `  kept ${side} (stream side): uncommitted changes of an unfinished task: commit or remove it yourself`);
  t.match(r.stdout, `  kept ${held} (stream held): uncommitted changes`);
  t.match(r.stdout, /note   warning: hold: its changes were not committed on execplan\/demo\/held \(git add -A: .*index\.lock/);
  t.match(r.stdout, /  commit failed: hold: its changes were not committed/);
});

t.test('a private key printed over several lines never reaches the log', async (t) => {
  const dir = project(`version: 1
name: pem
tasks:
  - { id: leak, title: Print a key, run: "printf '%s\\n' start '-----BEGIN RSA PRIVATE KEY-----' MIIEpAIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM2v ZGB+dQ3cFJ7jUWCSvwH1o0 '-----END RSA PRIVATE KEY-----' done" }
`);
  const r = await run(dir, []);
  t.equal(r.code, 0, r.stderr + r.stdout);
  const log = readFileSync(path.join(dir, '.execplan/pem/logs/leak/1.log'), 'utf8');
  t.notMatch(log + r.stdout, /MIIEpAIBAAKCAQEA|ZGB\+dQ3c/);
  t.match(log, /start\n(\[REDACTED:private-key\]\n){4}done/);
});

t.test("a stream's next task continues the stream's session (claude --resume), unless the profile turns it off", async (t) => {
  const PLAN_S = `version: 1
name: sess
streams:
  s: {}
tasks:
  - { id: a, title: First, stream: s, agent: {} }
  - { id: b, title: Second, stream: s, needs: [a], agent: {} }
  - { id: c, title: Outside the stream, needs: [b], agent: {} }
`;
  const argvOf = (dir: string) =>
    Object.fromEntries(
      readdirSync(path.join(dir, '.records'))
        .filter((f) => /^\d+\.json$/.test(f))
        .map((f) => JSON.parse(readFileSync(path.join(dir, '.records', f), 'utf8')) as { task: string; argv: string[]; stdin: string })
        .map((r) => [r.task, r]),
    );
  const dir = project(PLAN_S);
  const r = await run(dir, []);
  t.equal(r.code, 0, r.stderr + r.stdout);
  const calls = argvOf(dir);
  t.notMatch(calls.a!.argv.join(' '), '--resume', 'the first task of a stream starts a new session');
  const session = (JSON.parse(readFileSync(path.join(dir, '.execplan/sess/handoffs/a/agent.json'), 'utf8')) as { sessionId: string }).sessionId;
  t.match(calls.b!.argv.join(' '), `--resume ${session} --fork-session`, "the next task continues it, with the id from a's result");
  t.match(calls.b!.stdin, 'This conversation continues the one of task a of your stream');
  t.notMatch(calls.c!.argv.join(' '), '--resume', 'a task outside the stream starts its own');
  t.match(r.stdout, "b : agent-2 starting (claude, continuing a's session)");

  const off = project(PLAN_S, { 'execplan.config.yaml': 'profiles:\n  claude:\n    stream_session: false\n' });
  t.equal((await run(off, [])).code, 0);
  t.notMatch(argvOf(off).b!.argv.join(' '), '--resume', 'stream_session: false starts every task anew');
});

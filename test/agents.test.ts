import t from 'tap';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PlanModel, TaskModel } from '../src/compiler/model.js';
import { agentExecutor } from '../src/agents/executor.js';
import type { AttemptInput, AttemptProgress, ExecutorContext } from '../src/runner/executor.js';
import { buildInvocation, builtinProfiles, resolveProfiles } from '../src/agents/profiles.js';
import { createOutputParser } from '../src/agents/output.js';
import type { StreamWorktree } from '../src/agents/worktrees.js';
import { modelOf, tempDir } from './helpers/cli.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const fakeBin = path.join(here, 'fixtures/agents/bin');
const AWS_ID = 'AKIA' + 'IOSFODNN7EXAMPLE';

function argvOf(name: string, model: string | null = null, extra: Record<string, string> = {}, jsonSchema?: string): string[] {
  const profile = resolveProfiles(Object.keys(extra).length ? { [name]: { vars: extra } } : undefined)[name]!;
  const inv = buildInvocation(profile, { prompt: 'PROMPT', promptFile: '/tmp/p.txt', model, cwd: '/repo', jsonSchema });
  return [inv.file, ...inv.args];
}

t.test('built-in profiles produce the exact argv of each CLI', async (t) => {
  t.same(argvOf('claude'), ['claude', '-p', '--output-format', 'stream-json', '--verbose', '--permission-mode', 'acceptEdits']);
  t.same(argvOf('claude', 'opus', { allowed_tools: 'Bash(npm test:*) Edit', permission_mode: 'bypassPermissions' }), [
    'claude',
    '-p',
    '--output-format',
    'stream-json',
    '--verbose',
    '--permission-mode',
    'bypassPermissions',
    '--allowedTools',
    'Bash(npm test:*) Edit',
    '--model',
    'opus',
  ]);
  t.same(argvOf('claude', null, {}, '{"type":"object"}').slice(-2), ['--json-schema', '{"type":"object"}'], 'draft adds --json-schema');
  t.same(argvOf('codex'), ['codex', 'exec', '--json', '--skip-git-repo-check', '--color', 'never', '--sandbox', 'workspace-write', '-']);
  t.same(argvOf('codex', 'o3'), ['codex', 'exec', '--json', '--skip-git-repo-check', '--color', 'never', '--sandbox', 'workspace-write', '--model', 'o3', '-']);
  t.same(argvOf('gemini', 'gemini-2.5-pro'), [
    'gemini',
    '--skip-trust',
    '--prompt',
    'Carry out the task described above.',
    '--output-format',
    'stream-json',
    '--approval-mode',
    'auto_edit',
    '--model',
    'gemini-2.5-pro',
  ]);
  for (const name of ['claude', 'codex', 'gemini']) {
    const inv = buildInvocation(builtinProfiles[name]!, { prompt: 'PROMPT', promptFile: null, model: null, cwd: '/r' });
    t.equal(inv.stdin, 'PROMPT', `${name} gets the prompt on stdin`);
    t.equal(builtinProfiles[name]!.secrets, 'redact', `${name} redacts by default`);
  }
  // A user profile: prompt as an argument or a file, merged over nothing.
  const own = resolveProfiles({ local: { command: ['ollama-agent', '--in', '{{prompt_file}}', '--cwd={{cwd}}'], prompt_via: 'file', secrets: 'warn' } }).local!;
  const inv = buildInvocation(own, { prompt: 'P', promptFile: '/tmp/x.txt', model: null, cwd: '/repo' });
  t.same([inv.file, ...inv.args], ['ollama-agent', '--in', '/tmp/x.txt', '--cwd=/repo']);
  t.same(inv.promptFile, { path: '/tmp/x.txt', text: 'P' });
  t.equal(inv.stdin, null);
  t.match(own.installHint, /install 'ollama-agent'/);
});

t.test('the output parser reads progress, result and usage of each CLI dialect', async (t) => {
  const { execFileSync } = await import('node:child_process');
  const expected: Record<string, { input: number; output: number; cost: number | null; turns: number; progress: string[] }> = {
    claude: { input: 1200, output: 340, cost: 0.0123, turns: 3, progress: ['started', 'Edit src/thing.ts', 'Bash npm test', 'finished'] },
    codex: { input: 900, output: 200, cost: null, turns: 1, progress: ['started', 'Bash npm test', 'Edit src/thing.ts', 'Done. Hand-off: created src/thing.ts (agent ?).'] },
    gemini: {
      input: 500,
      output: 200,
      cost: null,
      turns: 1,
      progress: ['started', 'write_file src/thing.ts', 'Done. Hand', 'Done. Hand-off: created src/thing.ts (agent ?).', 'finished'],
    },
  };
  for (const [name, want] of Object.entries(expected)) {
    const out = execFileSync(path.join(fakeBin, name), [], { input: '', env: { ...process.env, FAKE_AGENT_RECORD: '' } }).toString();
    const parser = createOutputParser('stream-json');
    const progress = out
      .split('\n')
      .map((l) => parser.line(l))
      .filter((p): p is string => p !== null);
    const o = parser.outcome();
    t.same(progress, want.progress, `${name} progress`);
    t.equal(o.usage.inputTokens, want.input, `${name} input tokens`);
    t.equal(o.usage.outputTokens, want.output, `${name} output tokens`);
    t.equal(o.usage.costUsd, want.cost, `${name} cost`);
    t.equal(o.usage.turns, want.turns, `${name} turns`);
    t.equal(o.result, 'Done. Hand-off: created src/thing.ts (agent ?).', `${name} result`);
    t.equal(o.isError, false);
  }
  // Codex reports transient errors (seen from the real CLI without network) and may still succeed.
  const c = createOutputParser('stream-json');
  for (const line of [
    '{"type":"thread.started","thread_id":"x"}',
    '{"type":"turn.started"}',
    '{"type":"error","message":"Reconnecting... 2/5 (stream disconnected before completion)"}',
    '{"type":"item.completed","item":{"id":"item_0","type":"error","message":"Falling back from WebSockets to HTTPS transport."}}',
    '{"type":"item.completed","item":{"id":"i1","type":"agent_message","text":"All done."}}',
    '{"type":"turn.completed","usage":{"input_tokens":10,"cached_input_tokens":0,"output_tokens":5}}',
  ])
    c.line(line);
  t.match(c.outcome(), { isError: false, result: 'All done.', usage: { inputTokens: 10, outputTokens: 5, turns: 1 } });
  const p = createOutputParser('stream-json');
  p.line('not json at all');
  p.line('{"type":"result","subtype":"error_max_turns","is_error":true,"num_turns":9,"result":"","usage":{}}');
  t.equal(p.outcome().isError, true);
  t.equal(p.outcome().usage.turns, 9);
});

// ---- the executor, driven the way the runner drives it ----

interface Fixture {
  dir: string;
  stateDir: string;
  model: PlanModel;
  records: string;
}

function fixture(planYaml: string, files: Record<string, string> = {}): Fixture {
  const dir = tempDir('execplan-agents-');
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  writeFileSync(path.join(dir, 'plan.yaml'), planYaml);
  const model = modelOf(planYaml);
  const stateDir = path.join(dir, '.execplan');
  mkdirSync(stateDir, { recursive: true });
  return { dir, stateDir, model, records: path.join(dir, 'records') };
}

function context(f: Fixture, env: Record<string, string> = {}): ExecutorContext {
  return { planDir: f.dir, stateDir: f.stateDir, env: { ...process.env, PATH: `${fakeBin}:${process.env.PATH}`, FAKE_AGENT_RECORD: f.records, ...env } };
}

function attempt(f: Fixture, task: TaskModel, ctx: ExecutorContext, n = 1) {
  const lines: string[] = [];
  const progress: AttemptProgress[] = [];
  const input: AttemptInput = {
    task,
    attempt: n,
    cwd: f.dir,
    env: ctx.env,
    logPath: path.join(f.stateDir, 'logs', task.id, `${n}.log`),
    onLine: (line) => lines.push(line),
    onProgress: (p) => progress.push(p),
  };
  return { input, lines, progress };
}

const record = (f: Fixture, n: number) =>
  JSON.parse(readFileSync(path.join(f.records, `${n}.json`), 'utf8')) as { argv: string[]; stdin: string; cwd: string; env: { EXECPLAN_AGENT: string } };

const SPEC = `# Auth spec\n\nUsers log in with email and password.\n\n${'Requirement line that must not be trimmed.\n'.repeat(3000)}The last line of the spec.\n`;
const PLAN = `version: 1
name: auth
spec: docs/spec.md
streams:
  data: { owns: ["src/models/**"], skills: [backend-api] }
  api: { owns: ["src/api/**"], skills: [http] }
communication:
  - { from: data, to: api, what: Model schemas }
tasks:
  - id: model
    title: Create the user model
    stream: data
    agent: { profile: claude }
    acceptance: [Passwords are hashed]
  - id: login
    title: Add the login endpoint
    stream: api
    needs: [model]
    files: [src/api/login.ts]
    boundaries: { stop_when: Do not build MFA, excludes: [src/legacy/**] }
    agent: { profile: codex, model: o3, prompt: Reuse the router. }
    acceptance:
      - Login returns a token pair
      - { run: "npm test -- login" }
  - id: docs
    title: Write the docs
    agent: { profile: gemini }
`;

t.test('agent tasks get a numbered agent, the full spec, upstream hand-offs and their scope', async (t) => {
  const f = fixture(PLAN, { 'docs/spec.md': SPEC });
  const ctx = context(f);
  const exec = agentExecutor({ model: f.model, profiles: resolveProfiles(undefined), defaultProfile: 'claude', templatePath: null });
  t.same(await exec.preflight(f.model.tasks, ctx), []);
  const [model, login] = f.model.tasks as [TaskModel, TaskModel];

  const a1 = attempt(f, model, ctx);
  const o1 = await exec.start(a1.input, ctx).done;
  t.same(o1, { kind: 'exited', exitCode: 0 });
  const r1 = record(f, 1);
  t.same(r1.argv, ['-p', '--output-format', 'stream-json', '--verbose', '--permission-mode', 'acceptEdits']);
  t.equal(r1.env.EXECPLAN_AGENT, 'agent-1');
  t.ok(r1.stdin.includes(SPEC), 'the whole spec, untrimmed, is in the prompt');
  t.match(r1.stdin, /Load these skills: backend-api/);
  t.match(r1.stdin, /data -> api: Model schemas \(you provide this/);
  t.ok(
    a1.lines.some((l) => l.startsWith('{"type":"result"')),
    'the transcript reaches the attempt log',
  );
  t.ok(
    a1.progress.some((p) => p.message === 'agent-1: Edit src/thing.ts'),
    'progress shows the last tool call',
  );
  const last = a1.progress.at(-1)!;
  t.same(last.usage, { inputTokens: 1200, outputTokens: 340, costUsd: 0.0123 });
  t.same(JSON.parse(readFileSync(path.join(f.stateDir, 'handoffs/model/agent.json'), 'utf8')).usage, {
    inputTokens: 1200,
    outputTokens: 340,
    cacheReadTokens: 800,
    cacheWriteTokens: 50,
    costUsd: 0.0123,
    turns: 3,
    toolCalls: 2,
  });
  const handoff = JSON.parse(readFileSync(path.join(f.stateDir, 'handoffs/model/agent.json'), 'utf8'));
  t.equal(handoff.summary, 'Done. Hand-off: created src/thing.ts (agent agent-1).');
  t.ok(existsSync(path.join(f.stateDir, 'logs/model/1.prompt.md')), 'the prompt sent is kept beside the log');

  // The runner's state says model is done; login's prompt carries that and model's hand-off.
  const { FileStore } = await import('../src/runner/store.js');
  const { statePathsIn } = await import('../src/runner/paths.js');
  const store = FileStore.open(statePathsIn(f.stateDir));
  store.append({ type: 'control', by: 1, actor: 'test', action: 'done', task: 'model', reason: 'checked by hand' });
  store.append({ type: 'control', by: 1, actor: 'test', action: 'retry', task: 'login', note: 'Use argon2 this time.' });
  store.close();
  const a2 = attempt(f, login, ctx, 2);
  t.same(await exec.start(a2.input, ctx).done, { kind: 'exited', exitCode: 0 });
  const r2 = record(f, 2);
  t.same(r2.argv, ['exec', '--json', '--skip-git-repo-check', '--color', 'never', '--sandbox', 'workspace-write', '--model', 'o3', '-']);
  t.equal(r2.env.EXECPLAN_AGENT, 'agent-2', 'each dispatch gets the next agent number');
  t.match(r2.stdin, /### model: Create the user model \(done \(forced: checked by hand\)\)\nDone\. Hand-off: created src\/thing\.ts \(agent agent-1\)\./);
  t.match(r2.stdin, /You may create and modify only these paths:\n\n- src\/api\/login\.ts\n- src\/api\/\*\*/);
  t.match(r2.stdin, /You must NOT modify these paths:\n\n- src\/legacy\/\*\*\n- src\/models\/\*\*/);
  t.match(r2.stdin, /Stop when: Do not build MFA/);
  t.match(r2.stdin, /- Login returns a token pair/);
  t.match(r2.stdin, /- `npm test -- login` exits 0/);
  t.match(r2.stdin, /## Additional instructions\nReuse the router\./);
  t.match(r2.stdin, /## Note for this attempt \(attempt 2\)\nUse argon2 this time\./);
  t.ok(r2.stdin.endsWith('exit with a failure instead of claiming success.\n'));
  t.same(a2.progress.at(-1)!.usage, { inputTokens: 900, outputTokens: 200 });
  const { usageTotals, formatUsage } = await import('../src/agents/usage.js');
  t.equal(
    formatUsage(usageTotals(f.stateDir, ['model', 'login', 'docs'])),
    'Agent usage: 2 tasks, 2100 input + 540 output tokens (900 cached), 4 turns, 4 tool calls, $0.01 reported',
  );
});

t.test('a missing agent CLI or unknown profile fails preflight with the install hint', async (t) => {
  const f = fixture(PLAN, { 'docs/spec.md': SPEC });
  const exec = agentExecutor({ model: f.model, profiles: resolveProfiles(undefined), defaultProfile: 'claude', templatePath: null });
  const problems = await exec.preflight(f.model.tasks, { ...context(f), env: { PATH: '/nonexistent' } });
  t.same(
    problems.map((p) => p.message),
    [
      "agent command 'claude' (profile claude) not found on PATH: install Claude Code: npm install -g @anthropic-ai/claude-code (then run `claude` once to log in)",
      "agent command 'codex' (profile codex) not found on PATH: install Codex CLI: npm install -g @openai/codex (then run `codex login`)",
      "agent command 'gemini' (profile gemini) not found on PATH: install Gemini CLI: npm install -g @google/gemini-cli (then run `gemini` once to log in)",
    ],
  );
  const g = fixture(PLAN.replace('profile: gemini', 'profile: nope'), { 'docs/spec.md': SPEC });
  const exec2 = agentExecutor({ model: g.model, profiles: resolveProfiles(undefined), defaultProfile: 'claude', templatePath: null });
  t.same(await exec2.preflight(g.model.tasks, context(g)), [{ task: 'docs', message: "unknown agent profile 'nope' (known: claude, codex, gemini)" }]);
  const h = fixture(PLAN);
  const exec3 = agentExecutor({ model: h.model, profiles: resolveProfiles(undefined), defaultProfile: 'claude', templatePath: null });
  t.match((await exec3.preflight(h.model.tasks, context(h)))[0]!.message, /cannot read the spec docs\/spec\.md .*ENOENT/);
});

t.test('secrets in the spec are redacted, warned about or block the dispatch, per profile', async (t) => {
  const spec = `# Spec\nConnect with postgres://app:Sup3rS3cret@db/app and key ${AWS_ID}.\n`;
  const f = fixture(PLAN, { 'docs/spec.md': spec });
  const ctx = context(f);
  const [model] = f.model.tasks as [TaskModel];
  // redact (default)
  const exec = agentExecutor({ model: f.model, profiles: resolveProfiles(undefined), defaultProfile: 'claude', templatePath: null });
  const a = attempt(f, model, ctx);
  await exec.start(a.input, ctx).done;
  const sent = record(f, 1).stdin;
  t.notMatch(sent, /Sup3rS3cret|AKIAIOSFODNN7EXAMPLE/);
  t.match(sent, /postgres:\/\/app:\[REDACTED:connection-string\]@db\/app and key \[REDACTED:aws-access-key-id\]/);
  t.ok(a.lines.some((l) => /^\[execplan\] redacted 2 possible secrets before sending to claude: connection-string at prompt:\d+:\d+, aws-access-key-id/.test(l)));
  t.notMatch(readFileSync(path.join(f.stateDir, 'logs/model/1.prompt.md'), 'utf8'), /Sup3rS3cret/);
  // warn: sent as is, the user is told
  const notices: string[] = [];
  const warn = agentExecutor({
    model: f.model,
    profiles: resolveProfiles({ claude: { secrets: 'warn' } }),
    defaultProfile: 'claude',
    templatePath: null,
    notify: (m) => notices.push(m),
  });
  t.same(await warn.preflight([model], ctx), []);
  t.match(notices[0], /^warning: the spec contains possible secrets .*connection-string at docs\/spec\.md:2:/);
  await warn.start(attempt(f, model, ctx).input, ctx).done;
  t.match(record(f, 2).stdin, /Sup3rS3cret/);
  t.match(notices[1], /^model: warning: sending 2 possible secrets to claude unredacted/);
  t.notMatch(readFileSync(path.join(f.stateDir, 'logs/model/1.prompt.md'), 'utf8'), /Sup3rS3cret/, 'the saved prompt is redacted even so');
  // warn with prompt_via file: the unredacted prompt file is deleted when the agent has ended, whatever the outcome.
  for (const [n, code] of [
    [1, 0],
    [2, 3],
  ] as const) {
    const copy = path.join(f.dir, `sent-${n}.txt`);
    const command = ['sh', '-c', 'cp "$0" "$1"; exit $2', '{{prompt_file}}', copy, String(code)];
    const viaFile = agentExecutor({
      model: f.model,
      profiles: resolveProfiles({ claude: { command, prompt_via: 'file', output: 'text', secrets: 'warn' } }),
      defaultProfile: 'claude',
      templatePath: null,
    });
    t.same(
      await viaFile.start(attempt(f, model, ctx, n).input, ctx).done,
      code === 0 ? { kind: 'exited', exitCode: 0 } : { kind: 'exited', exitCode: code, failure: `exited with code ${code}` },
    );
    t.match(readFileSync(copy, 'utf8'), /Sup3rS3cret/, 'the agent read the prompt from the file');
    t.notOk(existsSync(path.join(f.stateDir, `logs/model/${n}.prompt.txt`)), `no prompt file is left behind (exit ${code})`);
  }
  // block: preflight fails, and a dispatch is refused without starting the CLI
  const block = agentExecutor({ model: f.model, profiles: resolveProfiles({ claude: { secrets: 'block' } }), defaultProfile: 'claude', templatePath: null });
  const problems = await block.preflight([model], ctx);
  t.match(
    problems[0]!.message,
    /the spec contains possible secrets and an agent profile blocks them: connection-string at docs\/spec\.md:2:\d+, aws-access-key-id at docs\/spec\.md:2:\d+/,
  );
  const outcome = await block.start(attempt(f, model, ctx).input, ctx).done;
  t.match(outcome, { kind: 'error', message: /^blocked: 2 possible secrets/ });
  t.equal(readdirSync(f.records).filter((x) => x.endsWith('.json')).length, 2, 'the blocked agent never started');
});

t.test('failures: exit codes, an error result with exit 0, a kill and a profile timeout', async (t) => {
  const f = fixture(PLAN, { 'docs/spec.md': SPEC });
  const exec = agentExecutor({ model: f.model, profiles: resolveProfiles({ gemini: { timeout: '1s' } }), defaultProfile: 'claude', templatePath: null, graceMs: 200 });
  const [model, login, docs] = f.model.tasks as [TaskModel, TaskModel, TaskModel];
  t.same(
    await exec.start(attempt(f, model, context(f, { FAKE_AGENT_MODE: 'fail' })).input, context(f, { FAKE_AGENT_MODE: 'fail' })).done,
    { kind: 'exited', exitCode: 3, failure: 'exited with code 3: fake agent: something went wrong' },
    "the CLI's last error line is the reason",
  );
  const errCtx = context(f, { FAKE_AGENT_MODE: 'error-result' });
  const e = attempt(f, login, errCtx);
  t.same(
    await exec.start(e.input, errCtx).done,
    { kind: 'exited', exitCode: 0, failure: 'the agent reported an error: could not finish' },
    'codex turn.failed counts as failure, in its own words',
  );
  t.ok(e.lines.some((l) => l.includes('reported an error although it exited 0: could not finish')));

  const slowCtx = context(f, { FAKE_AGENT_MODE: 'slow' });
  const handle = exec.start(attempt(f, model, slowCtx).input, slowCtx);
  // Handshake: the fake writes started-<n> once it is running.
  const started = path.join(f.records, 'started-3');
  for (let i = 0; i < 200 && !existsSync(started); i++) await new Promise((r) => setTimeout(r, 25));
  t.ok(existsSync(started));
  handle.kill('interrupt');
  t.same(await handle.done, { kind: 'killed', reason: 'interrupt' });
  const t0 = Date.now();
  t.same(await exec.start(attempt(f, docs, slowCtx).input, slowCtx).done, { kind: 'killed', reason: 'timeout' }, 'the gemini profile timeout applies');
  t.ok(Date.now() - t0 < 30_000, 'the 1 s timeout ended an agent that waits forever');
});

t.test('a user template replaces the built-in prompt', async (t) => {
  const f = fixture(PLAN, {
    'docs/spec.md': SPEC,
    'my.njk': 'Task {{ task.id }} by {{ agent.label }}; specs: {{ specs | length }}; upstream: {% for u in upstream %}{{ u.id }}={{ u.status }}{% endfor %}',
  });
  const exec = agentExecutor({ model: f.model, profiles: resolveProfiles(undefined), defaultProfile: 'claude', templatePath: path.join(f.dir, 'my.njk') });
  const ctx = context(f);
  await exec.start(attempt(f, f.model.tasks[1]!, ctx).input, ctx).done;
  t.equal(record(f, 1).stdin, 'Task login by agent-1; specs: 1; upstream: model=unknown');
  // The same through execplan.config.yaml: prompt_template relative to the config file, default_profile.
  const { agentExecutorFromConfig } = await import('../src/agents/index.js');
  const fromConfig = agentExecutorFromConfig(
    f.model,
    { prompt_template: 'my.njk', default_profile: 'gemini', profiles: { gemini: { vars: { approval_mode: 'yolo' } } } },
    path.join(f.dir, 'execplan.config.yaml'),
  );
  t.same(await fromConfig.preflight(f.model.tasks, ctx), []);
  await fromConfig.start(attempt(f, f.model.tasks[2]!, ctx).input, ctx).done;
  t.equal(record(f, 2).stdin, 'Task docs by agent-1; specs: 1; upstream: ');
  t.same(record(f, 2).argv.slice(5, 7), ['--approval-mode', 'yolo']);
  const bad = agentExecutor({ model: f.model, profiles: resolveProfiles(undefined), defaultProfile: 'claude', templatePath: path.join(f.dir, 'missing.njk') });
  t.match((await bad.preflight(f.model.tasks, ctx))[0]!.message, /cannot read the prompt template .*missing\.njk: ENOENT/);
});

t.test('--worktrees: one worktree and branch per stream, commits per task, merge order, cleanup', async (t) => {
  const { execFileSync } = await import('node:child_process');
  const { startWorktreeSession } = await import('../src/agents/worktrees.js');
  const { branchName, streamMergeOrder } = await import('../src/compiler/analysis/streams.js');
  const f = fixture(PLAN, { 'docs/spec.md': SPEC, '.gitignore': '.execplan/\nrecords/\n' });
  const git = (...args: string[]) => execFileSync('git', args, { cwd: f.dir, encoding: 'utf8' });
  git('init', '-q', '-b', 'main');
  git('-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '--allow-empty', '-m', 'base');
  t.same(
    streamMergeOrder(f.model).branches.map((b) => b.stream),
    ['data', 'api'],
  );
  t.same(streamMergeOrder(f.model).entangled, []);
  t.equal(branchName('auth', 'api'), 'execplan/auth/api');
  t.equal(branchName('auth', 'a..b.lock'), 'execplan/auth/a.b-lock', 'names git would refuse are made ref-safe');

  const started = startWorktreeSession(f.model, f.dir, 'run1');
  if (!started.ok) throw new Error(started.error.problems.join('; '));
  const session = started.value;
  t.same(
    session.worktrees.map((w) => w.branch),
    ['execplan/auth/data', 'execplan/auth/api'],
  );
  const again = startWorktreeSession(f.model, f.dir, 'run2');
  t.same(
    again.ok ? again.value.worktrees.map((w) => w.path) : again.error.problems.join('; '),
    session.worktrees.map((w) => w.path),
    'a worktree that has the branch checked out is reused, not made twice',
  );

  // Driven the way `execplan run --worktrees` does: a stream task's cwd is its worktree, and the task is
  // committed when it ends done.
  const exec = agentExecutor({ model: f.model, profiles: resolveProfiles(undefined), defaultProfile: 'claude', templatePath: null });
  const ctx = context(f, { FAKE_AGENT_MODE: 'edit', FAKE_AGENT_EDIT: 'src/models/user.ts' });
  const runTask = async (task: TaskModel) => {
    const a = attempt(f, task, ctx);
    a.input.cwd = session.workdirFor(task) ?? f.dir;
    const outcome = await exec.start(a.input, ctx).done;
    if (outcome.kind === 'exited' && outcome.exitCode === 0) t.equal(session.record(task, 'execplan run run1').problem, null);
    return outcome;
  };
  const [model, , docs] = f.model.tasks as [TaskModel, TaskModel, TaskModel];
  t.equal(session.workdirFor(docs), null, 'a task without a stream has no worktree');
  t.same(await runTask(model), { kind: 'exited', exitCode: 0 });
  t.equal(record(f, 1).cwd, session.worktrees[0]!.path);
  t.equal(readFileSync(path.join(session.worktrees[0]!.path, 'src/models/user.ts'), 'utf8'), 'edited by agent-1\n');
  t.notOk(existsSync(path.join(f.dir, 'src/models/user.ts')), 'the checkout is untouched');
  await runTask(docs);
  t.ok(existsSync(path.join(f.dir, 'src/models/user.ts')), 'a task without a stream runs in the checkout');
  t.equal(git('log', '--format=%B', 'execplan/auth/data', '-1').trim(), 'model: Create the user model\n\nexecplan run run1');
  t.equal(git('show', 'execplan/auth/data:src/models/user.ts'), 'edited by agent-1\n');

  // A failed commit is reported, and its changes stay in the worktree (a held index lock makes `git add` fail).
  const [dataWt, apiWt] = session.worktrees as [StreamWorktree, StreamWorktree];
  mkdirSync(path.join(apiWt.path, 'src/api'), { recursive: true });
  writeFileSync(path.join(apiWt.path, 'src/api/login.ts'), 'work in progress\n');
  const lock = path.resolve(apiWt.path, execFileSync('git', ['rev-parse', '--git-path', 'index.lock'], { cwd: apiWt.path, encoding: 'utf8' }).trim());
  writeFileSync(lock, '');
  const problem = session.record(f.model.tasks[1]!, 'execplan run run1').problem;
  t.match(problem, /^login: its changes were not committed on execplan\/auth\/api \(git add -A: .*index\.lock.*\); they stay in /);
  rmSync(lock);
  t.equal(session.record(f.model.tasks[2]!, 'execplan run run1').problem, null, 'a task without a stream has nothing to commit');

  const summary = session.finish();
  t.equal(
    summary,
    'Branches (merge in this order; `execplan integrate` merges them):\n  1. execplan/auth/data  (stream data, 1 commit, not merged into main)\n  2. execplan/auth/api  (stream api, 0 commits, merged into main)\n' +
      `  commit failed: ${problem}\n` +
      `  kept ${apiWt.path} (stream api): uncommitted changes of an unfinished task: commit or remove it yourself`,
  );
  t.notOk(existsSync(dataWt.path), 'a clean worktree is removed');
  t.equal(readFileSync(path.join(apiWt.path, 'src/api/login.ts'), 'utf8'), 'work in progress\n', 'a dirty worktree is kept with its work');
  t.match(git('branch', '--list', 'execplan/*'), /execplan\/auth\/data/, 'branches are kept for merging');
  // The next run continues on the branches the last one left, in the worktree kept for the dirty one.
  git('-C', apiWt.path, 'stash', '-u');
  const next = startWorktreeSession(f.model, f.dir, 'run2');
  if (!next.ok) throw new Error(next.error.problems.join('; '));
  t.equal(readFileSync(path.join(next.value.worktrees[0]!.path, 'src/models/user.ts'), 'utf8'), 'edited by agent-1\n', 'the data branch keeps its commit');
  t.notMatch(next.value.finish(), /kept/, 'clean worktrees are removed');
  t.notOk(existsSync(next.value.worktrees[0]!.path));

  const outside = startWorktreeSession(f.model, tmpdir(), 'x');
  t.match(outside.ok ? '' : outside.error.problems.join('; '), /--worktrees needs a git repository/);
});

// `execplan run --worktrees` with the real Claude Code CLI, offline: the CLI talks to a scripted model
// server on 127.0.0.1 and really executes the Write and Bash calls it is given, in the stream's worktree.
// One run proves the stream-json parsing (result, usage, cost), the prompt the model receives (title,
// acceptance, the upstream hand-off), the files on the right branch, the scope check, the console
// output, and that the user's own ~/.claude is never touched.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import t from 'tap';
import { checkPrompts, GIT_ENV, USER_TS } from './helpers/agent-cli.js';
import { cli, project } from './helpers/cli.js';
import { claudeEnv, installClaudeCode, startModelServer, type MessagesRequest, type Turn } from './helpers/claude-code.js';

const installed = installClaudeCode();
if (!installed.ok) {
  t.test('the real Claude Code CLI', { skip: installed.skip }, () => {});
} else {
  const ID = ['-c', 'user.name=t', '-c', 'user.email=t@t'];

  const PLAN = `version: 1
name: cc
streams:
  data: { owns: ["src/models/**"] }
  api: { owns: ["src/api/**"] }
phases:
  - { id: foundation }
  - { id: features }
communication:
  - { from: data, to: api, after: foundation, what: "the User model's fields and where to import it from" }
tasks:
  - id: model
    title: Create the user model
    stream: data
    phase: foundation
    agent: {}
    acceptance:
      - "User has an id and an email"
      - { file: src/models/user.ts, contains: "export interface User" }
  - id: login
    title: Build the login endpoint
    stream: api
    needs: [model]
    agent: {}
    acceptance:
      - "login returns the User"
      - { run: "test -f src/models/user.ts" }
      - { file: src/api/login.ts, contains: "export function login" }
  - id: logout
    title: Build the logout endpoint
    stream: api
    phase: features
    needs: [login]
    agent: {}
    acceptance:
      - { file: src/api/logout.ts }
`;

  const HANDOFF_MODEL = 'Added src/models/user.ts: interface User { id: string; email: string }. Import it from ../models/user.';

  /** Each task's conversation: what the model "does" at each step (a step is due after each tool result). */
  function script(r: MessagesRequest): Turn {
    const at = (rel: string) => path.join(r.cwd!, rel);
    if (r.task === 'model' && r.step === 0)
      return {
        tools: [{ name: 'Write', input: { file_path: at('src/models/user.ts'), content: USER_TS } }],
        usage: { input: 1200, output: 80 },
      };
    if (r.task === 'model') return { text: HANDOFF_MODEL, usage: { input: 1300, output: 40 } };
    if (r.task === 'login' && r.step === 0)
      return {
        tools: [
          {
            name: 'Write',
            input: {
              file_path: at('src/api/login.ts'),
              content: "import type { User } from '../models/user';\nexport function login(email: string): User {\n  return { id: '1', email };\n}\n",
            },
          },
          // Outside the task's scope (its stream owns src/api/**): the scope check must report it.
          { name: 'Bash', input: { command: 'echo "login: see src/api" >> README.md', description: 'Note the endpoint in the README' } },
        ],
        usage: { input: 2000, output: 120 },
      };
    if (r.task === 'login') return { text: 'Added src/api/login.ts (login returns the User) and a README note.', usage: { input: 2100, output: 30 } };
    if (r.task === 'logout' && r.step === 0)
      return { tools: [{ name: 'Write', input: { file_path: at('src/api/logout.ts'), content: 'export function logout(): void {}\n' } }], usage: { input: 500, output: 20 } };
    if (r.task === 'logout') return { text: 'Added src/api/logout.ts next to login.', usage: { input: 600, output: 10 } };
    throw new Error(`no script for task ${r.task}`);
  }

  t.test('execplan run --worktrees drives the real Claude Code CLI through a scripted model server', async (t) => {
    const dir = project(
      {
        'plan.yaml': PLAN,
        'README.md': 'base\n',
        '.gitignore': '.execplan/\n',
        // Bash is opted into for the agent (the built-in profile allows edits only).
        'execplan.config.yaml': 'profiles:\n  claude:\n    vars: { allowed_tools: "Bash" }\n',
      },
      'execplan-claude-code-',
    );
    const home = path.join(dir, '.execplan', 'home');
    const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8' });
    git('init', '-q', '-b', 'main');
    git('add', '-A');
    git(...ID, 'commit', '-q', '-m', 'base');
    const realClaude = path.join(homedir(), '.claude', 'projects');
    const realBefore = existsSync(realClaude) ? readdirSync(realClaude).sort() : null;

    const server = await startModelServer(script);
    t.teardown(() => server.close());
    const env = { ...claudeEnv(installed, server, home), ...GIT_ENV };
    const r = await cli(['run', '--worktrees'], { cwd: dir, env });
    t.match(r.stdout, /^execplan run \S+ \(new\): 3 of 3 task\(s\) to run/, 'a first run is a new run (the branches recorded before it do not make it a resume)');
    const diag = `${r.stdout}\n${r.stderr}\nunexpected requests: ${server.unexpected.join(', ')}`;
    t.equal(r.code, 0, diag);
    t.same(server.unexpected, [], 'the CLI asked the model server nothing it did not expect');

    // The model server saw each task in its own worktree, with the prompt execplan rendered.
    const { first, prompt } = checkPrompts(t, dir, server.requests, HANDOFF_MODEL, "the real CLI's result event");
    t.match(server.requests.filter((q) => q.task === 'login')[1]!.text, /login: see src\/api|tool_result|README/, 'the CLI sent the tool results back');
    t.match(
      prompt,
      `- data -> api after phase foundation: the User model's fields and where to import it from\n\n  Delivered by data in model (Create the user model):\n  ${HANDOFF_MODEL}`,
      "the communication row is delivered with the sending stream's hand-off of that phase",
    );

    // A stream is one agent's context: logout continues login's session (the real CLI's --resume), so
    // the model sees login's conversation before logout's prompt.
    const logout = first('logout');
    t.match(logout.text, '# Task login: Build the login endpoint', "the model sees the stream's earlier conversation");
    t.match(logout.text, 'Added src/api/login.ts (login returns the User)', 'including its answer');
    t.notMatch(logout.text, '# Task model:', "but not another stream's");
    t.notMatch(first('login').text, '# Task model:', 'the first task of a stream starts a new session');
    t.match(logout.text, 'This conversation continues the one of task login of your stream');

    // The files are on the right branches: the data work, and the api work on top of it (merged in first).
    t.match(git('show', 'execplan/cc/data:src/models/user.ts'), 'export interface User');
    t.match(git('show', 'execplan/cc/api:src/api/login.ts'), 'export function login');
    t.match(git('show', 'execplan/cc/api:src/models/user.ts'), 'export interface User', 'the api branch holds its upstream stream work');
    t.equal(git('ls-tree', '-r', '--name-only', 'execplan/cc/data', 'src/api'), '', 'the data branch does not hold the api work');
    t.equal(readFileSync(path.join(dir, 'README.md'), 'utf8'), 'base\n', 'the checkout itself is untouched');
    t.match(git('show', 'execplan/cc/api:README.md'), 'login: see src/api', 'the out-of-scope edit was committed on its stream branch');

    // Console: progress lines and the scope report; never the raw stream-json events.
    t.match(r.stdout, /model : agent-1: Write \S*src\/models\/user\.ts/, 'the Write call is the progress line');
    t.match(r.stdout, /login : agent-2: Bash echo "login: see src\/api" >> README\.md/);
    t.match(r.stdout, 'note   login: out-of-scope: README.md');
    t.match(r.stdout, "logout : agent-3 starting (claude, continuing login's session)");
    t.notMatch(r.stdout, /\| \{"type"/, 'no raw stream-json line reaches the console');

    // Usage: the tokens the server reported, as the CLI's result events added them up; its cost too.
    const sum = server.tokens.total();
    t.same(Object.fromEntries(server.tokens.perTask), { model: { input: 2500, output: 120 }, login: { input: 4100, output: 150 }, logout: { input: 1100, output: 30 } });
    t.match(r.stdout, `Agent usage: 3 tasks, ${sum.input} input + ${sum.output} output tokens, 7 turns, 4 tool calls, $`);
    const results = ['model', 'login', 'logout'].map((task) => {
      const log = readFileSync(path.join(dir, '.execplan/cc/logs', task, '1.log'), 'utf8');
      const line = log.split('\n').find((l) => l.startsWith('{"') && l.includes('"type":"result"'))!;
      return JSON.parse(line) as { total_cost_usd: number; session_id: string; usage: { input_tokens: number } };
    });
    t.ok(results[0]!.total_cost_usd > 0, 'the CLI priced the usage');
    const runs = readdirSync(path.join(dir, '.execplan/cc/runs'));
    const summary = JSON.parse(readFileSync(path.join(dir, '.execplan/cc/runs', runs[0]!), 'utf8')) as {
      agents: { totals: { inputTokens: number; outputTokens: number; costUsd: number; toolCalls: number }; tasks: Record<string, { inputTokens: number }> };
    };
    t.match(summary.agents.totals, { inputTokens: sum.input, outputTokens: sum.output, toolCalls: 4 }, 'the run summary has the usage');
    t.equal(summary.agents.totals.costUsd.toFixed(6), results.reduce((a, x) => a + x.total_cost_usd, 0).toFixed(6), 'and the cost the CLI reported');
    t.equal(summary.agents.tasks.login!.inputTokens, 4100);
    const handoff = JSON.parse(readFileSync(path.join(dir, '.execplan/cc/handoffs/model/agent.json'), 'utf8')) as { summary: string; sessionId: string };
    t.equal(handoff.summary, HANDOFF_MODEL);
    t.equal(handoff.sessionId, results[0]!.session_id, 'the session id comes from the result event');
    const logoutLog = readFileSync(path.join(dir, '.execplan/cc/logs/logout/1.log'), 'utf8');
    t.match(logoutLog, `--resume ${results[1]!.session_id} --fork-session`, "logout's CLI was started on login's session");
    t.not(results[2]!.session_id, results[1]!.session_id, 'as a fork: the continued session has its own id');

    const status = await cli(['status'], { cwd: dir, env });
    t.match(status.stdout, '  login: out-of-scope: README.md', 'status reports the scope violation');
    t.match(status.stdout, `Agent usage: 3 tasks, ${sum.input} input + ${sum.output} output tokens`);

    // The CLI kept its sessions in the test's HOME, never in the user's.
    const sessions = path.join(home, '.claude', 'projects');
    t.ok(existsSync(sessions) && readdirSync(sessions).some((p) => p.includes('worktrees-data')), 'the sessions are in the isolated config folder');
    t.same(existsSync(realClaude) ? readdirSync(realClaude).sort() : null, realBefore, "the user's ~/.claude/projects is unchanged");
  });
}

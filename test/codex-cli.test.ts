// `execplan run --worktrees` with the real Codex CLI, offline: the built-in codex profile, its provider
// pointed at a scripted Responses API server on 127.0.0.1 (profile args), and the CLI really running the
// shell commands it is given in each stream's worktree. One run proves the JSONL parsing (final message,
// usage), the prompt the model receives, the files on the right branches, and that ~/.codex is untouched.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import t from 'tap';
import { checkBranches, checkPrompts, checkUsage, GIT_ENV, LOGIN_TS, twoStreamPlan, USER_TS } from './helpers/agent-cli.js';
import { cli, project } from './helpers/cli.js';
import { codexEnv, installCodex, startCodexServer, type CodexTurn, type ResponsesRequest } from './helpers/codex.js';

const installed = installCodex();
if (!installed.ok) {
  t.test('the real Codex CLI', { skip: installed.skip }, () => {});
} else {
  const HANDOFF_MODEL = 'Added src/models/user.ts: interface User { id: string; email: string }.';
  const write = (file: string, content: string) => `mkdir -p ${path.dirname(file)} && printf '%s' '${content.replace(/'/g, "'\\''")}' > ${file}`;

  function script(r: ResponsesRequest): CodexTurn {
    if (r.task === 'model' && r.step === 0) return { command: write('src/models/user.ts', USER_TS), usage: { input: 1200, output: 80 } };
    if (r.task === 'model') return { message: HANDOFF_MODEL, usage: { input: 1300, output: 40 } };
    if (r.task === 'login' && r.step === 0) return { command: write('src/api/login.ts', LOGIN_TS), usage: { input: 2000, output: 120 } };
    if (r.task === 'login') return { message: 'Added src/api/login.ts: login returns the User.', usage: { input: 2100, output: 30 } };
    throw new Error(`no script for task ${r.task} step ${r.step}`);
  }

  t.test('execplan run --worktrees drives the real Codex CLI through a scripted Responses API server', async (t) => {
    const server = await startCodexServer(script);
    t.teardown(() => server.close());
    const dir = project(
      {
        'plan.yaml': twoStreamPlan('cx', 'codex'),
        'README.md': 'base\n',
        '.gitignore': '.execplan/\n',
        // How a user points the built-in profile at their own provider: config overrides after its flags.
        'execplan.config.yaml': `profiles:\n  codex:\n    args: ${JSON.stringify(server.providerArgs)}\n`,
      },
      'execplan-codex-',
    );
    const home = path.join(dir, '.execplan', 'home');
    mkdirSync(path.join(home, '.codex'), { recursive: true });
    const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8', env: { ...process.env, ...GIT_ENV } });
    git('init', '-q', '-b', 'main');
    git('add', '-A');
    git('commit', '-q', '-m', 'base');
    const realSessions = path.join(homedir(), '.codex', 'sessions');
    const realBefore = existsSync(realSessions) ? readdirSync(realSessions).sort() : null;

    const env = { ...codexEnv(installed, home), ...GIT_ENV };
    const r = await cli(['run', '--worktrees'], { cwd: dir, env });
    t.equal(r.code, 0, `${r.stdout}\n${r.stderr}\nunexpected requests: ${server.unexpected.join(', ')}`);
    t.same(server.unexpected, [], 'the CLI asked the model server nothing it did not expect');

    // The prompt execplan rendered reached the model, in the stream's worktree.
    checkPrompts(t, dir, server.requests, HANDOFF_MODEL, "codex's agent_message event");
    t.match(server.requests.filter((q) => q.task === 'login')[1]!.text, 'Process exited with code 0', 'the command ran and its result came back');

    checkBranches(t, dir, 'cx', git);

    // One hand-off store per task: the agent's record beside the event artifacts; only the artifacts are committed.
    t.same(readdirSync(path.join(dir, '.execplan/cx/handoffs/model')).sort(), ['1-finished.json', 'agent.json']);
    t.match(JSON.parse(readFileSync(path.join(dir, '.execplan/cx/handoffs/model/agent.json'), 'utf8')), { summary: HANDOFF_MODEL, profile: 'codex', sessionId: /\S/ });
    t.match(JSON.parse(readFileSync(path.join(dir, '.execplan/cx/handoffs/model/1-finished.json'), 'utf8')), { event: 'finished', outcome: { summary: HANDOFF_MODEL } });
    t.equal(
      git('ls-tree', '-r', '--name-only', 'execplan/cx/data', '.execplan-history/handoffs/cx/model'),
      '.execplan-history/handoffs/cx/model/1-finished.json\n',
      'the branch carries the artifact, not the local record',
    );

    // Console progress from the JSONL events; the usage the server reported, as turn.completed summed it.
    t.match(r.stdout, /model : agent-1: Bash \/bin\/bash -lc "mkdir -p src\/models/, 'the command is the progress line');
    t.notMatch(r.stdout, /\| \{"type"/, 'no raw JSONL event reaches the console');
    await checkUsage(t, { dir, plan: 'cx', stdout: r.stdout, tokens: server.tokens, env });

    // The CLI kept its sessions in the test's CODEX_HOME, never in the user's.
    t.ok(existsSync(path.join(home, '.codex', 'sessions')), 'the sessions are in the isolated CODEX_HOME');
    t.same(existsSync(realSessions) ? readdirSync(realSessions).sort() : null, realBefore, "the user's ~/.codex/sessions is unchanged");
  });
}

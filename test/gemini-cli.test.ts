// `execplan run --worktrees` with the real Gemini CLI, offline: the built-in gemini profile as it is, the
// CLI pointed at a scripted Gemini API server on 127.0.0.1 (GOOGLE_GEMINI_BASE_URL), really writing the
// files it is told to in each stream's worktree. One run proves the stream-json parsing (final message,
// usage), the prompt the model receives, the files on the right branches, and that ~/.gemini is untouched.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import t from 'tap';
import { checkBranches, checkPrompts, checkUsage, GIT_ENV, LOGIN_TS, twoStreamPlan, USER_TS } from './helpers/agent-cli.js';
import { cli, project } from './helpers/cli.js';
import { geminiEnv, installGemini, startGeminiServer, type GeminiTurn, type GenerateRequest } from './helpers/gemini.js';

const installed = installGemini();
if (!installed.ok) {
  t.test('the real Gemini CLI', { skip: installed.skip }, () => {});
} else {
  const HANDOFF_MODEL = 'Added src/models/user.ts: interface User { id: string; email: string }.';

  function script(r: GenerateRequest): GeminiTurn {
    const at = (rel: string) => path.join(r.cwd!, rel);
    if (r.task === 'model' && r.step === 0)
      return { call: { name: 'write_file', args: { file_path: at('src/models/user.ts'), content: USER_TS } }, usage: { input: 1200, output: 80 } };
    if (r.task === 'model') return { text: HANDOFF_MODEL, usage: { input: 1300, output: 40 } };
    if (r.task === 'login' && r.step === 0)
      return { call: { name: 'write_file', args: { file_path: at('src/api/login.ts'), content: LOGIN_TS } }, usage: { input: 2000, output: 120 } };
    if (r.task === 'login') return { text: 'Added src/api/login.ts: login returns the User.', usage: { input: 2100, output: 30 } };
    throw new Error(`no script for task ${r.task} step ${r.step}`);
  }

  t.test('execplan run --worktrees drives the real Gemini CLI through a scripted Gemini API server', async (t) => {
    const server = await startGeminiServer(script);
    t.teardown(() => server.close());
    const dir = project(
      {
        'plan.yaml': twoStreamPlan('gm', 'gemini'),
        'README.md': 'base\n',
        '.gitignore': '.execplan/\n',
      },
      'execplan-gemini-',
    );
    const home = path.join(dir, '.execplan', 'home');
    const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8', env: { ...process.env, ...GIT_ENV } });
    git('init', '-q', '-b', 'main');
    git('add', '-A');
    git('commit', '-q', '-m', 'base');
    const realSessions = path.join(homedir(), '.gemini', 'tmp');
    const realBefore = existsSync(realSessions) ? readdirSync(realSessions).sort() : null;

    const env = { ...geminiEnv(installed, server, home), ...GIT_ENV };
    const r = await cli(['run', '--worktrees'], { cwd: dir, env });
    t.equal(r.code, 0, `${r.stdout}\n${r.stderr}\nunexpected requests: ${server.unexpected.join(', ')}`);
    t.same(server.unexpected, [], 'the CLI asked the model server nothing it did not expect');

    // The prompt execplan rendered reached the model, in the stream's worktree.
    const { first } = checkPrompts(t, dir, server.requests, HANDOFF_MODEL, "gemini's streamed message");
    t.match(server.requests.filter((q) => q.task === 'login')[1]!.text, /functionResponse|Successfully/, 'the write ran and its result came back');
    t.ok(first('login').tools.includes('write_file'), `the CLI offered write_file (${first('login').tools.join(', ')})`);

    checkBranches(t, dir, 'gm', git);

    // Console progress from the stream-json events; the usage the server reported, as the result event summed it.
    t.match(r.stdout, /model : agent-1: write_file \S*src\/models\/user\.ts/, 'the write is the progress line');
    t.notMatch(r.stdout, /\| \{"type"/, 'no raw stream-json event reaches the console');
    t.notMatch(r.stdout, /Routing\] .* failed/, "the CLI's model router took the server's answer");
    // With the default approval mode (auto_edit) headless gemini does not offer its shell at all: a plan
    // whose agents must run commands sets approval_mode: yolo (docs/agents.md).
    t.notOk(first('login').tools.includes('run_shell_command'), 'no shell tool under auto_edit');
    await checkUsage(t, { dir, plan: 'gm', stdout: r.stdout, tokens: server.tokens, env });

    // The CLI kept its sessions in the test's HOME, never in the user's.
    t.ok(existsSync(path.join(home, '.gemini', 'tmp')), 'the sessions are in the isolated ~/.gemini');
    t.same(existsSync(realSessions) ? readdirSync(realSessions).sort() : null, realBefore, "the user's ~/.gemini/tmp is unchanged");
  });
}

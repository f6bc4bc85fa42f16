// The jobs of an exported workflow, run the way GitHub's runners run them: each in a fresh clone, results
// passed on as artifacts, agent work pushed to the stream's branch, the summary job's table and exit code.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import t from 'tap';
import { parse } from 'yaml';
import { summaryJobId } from '../src/exporters/github-actions/index.js';
import { cli, project, root, tempDir } from './helpers/cli.js';

t.test('run --only X --upstream-done: runs X alone, taking its upstream as done (what a job does)', async (t) => {
  const dir = project({
    'plan.yaml': `version: 1
name: up
phases: [{ id: one }, { id: two }]
tasks:
  - { id: a, title: A, phase: one, run: "echo a >> ran.txt" }
  - { id: b, title: B, phase: two, needs: [a], run: "echo b >> ran.txt" }
`,
  });
  let r = await cli(['run', '--only', 'b', '--upstream-done'], { cwd: dir });
  t.equal(r.code, 0, r.stdout + r.stderr);
  t.equal(readFileSync(path.join(dir, 'ran.txt'), 'utf8'), 'b\n', 'only b ran, though a never ran here');
  r = await cli(['run', '--only', 'b', '--fresh'], { cwd: dir });
  t.equal(readFileSync(path.join(dir, 'ran.txt'), 'utf8'), 'b\na\nb\n', 'without the flag --only runs the upstream too');
  r = await cli(['run', '--upstream-done'], { cwd: dir });
  t.equal(r.code, 1);
  t.match(r.stderr, /--upstream-done goes with --only ID/);
});

interface Step {
  name: string;
  uses?: string;
  run?: string;
  if?: string;
  shell?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
}

const gitEnv = { GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' };
const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, stdio: 'pipe', env: { ...process.env, ...gitEnv }, encoding: 'utf8' });

/**
 * Runs a workflow's jobs the way runners do, in the order of their needs: each in a fresh clone of
 * `origin` (a bare repository, so pushes work), artifacts kept between jobs, `if: always()` honoured.
 * Installing agent CLIs is left out (fake ones are on PATH). Returns each job's result and summaries.
 */
function runWorkflow(t: { fail(message: string): void }, base: string, origin: string, file: string, env: NodeJS.ProcessEnv = {}) {
  const workflow = parse(readFileSync(file, 'utf8')) as { env: Record<string, string>; jobs: Record<string, { needs?: string[]; steps: Step[] }> };
  const artifacts = path.join(base, 'artifacts');
  const results: Record<string, { result: string }> = {};
  let summary = '';
  let summaryScript = '';
  for (const [id, job] of Object.entries(workflow.jobs)) {
    const work = path.join(base, `job-${id}`);
    const temp = path.join(base, `temp-${id}`);
    mkdirSync(temp);
    git(base, 'clone', '-q', origin, work);
    const stepSummary = path.join(temp, 'summary.md');
    writeFileSync(stepSummary, '');
    let failed = false;
    for (const step of job.steps) {
      if (failed && step.if !== 'always()') continue;
      const stepEnv: Record<string, string | undefined> = {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        ...gitEnv,
        ...workflow.env,
        EXECPLAN: `node ${path.join(root, 'bin/execplan.js')}`,
        RUNNER_TEMP: temp,
        GITHUB_STEP_SUMMARY: stepSummary,
        ...env,
        ...step.env,
      };
      if (step.uses?.startsWith('actions/download-artifact')) {
        mkdirSync(path.join(temp, 'execplan-upstream'), { recursive: true });
        execFileSync('sh', ['-c', `cp -r "${artifacts}"/execplan-* "${temp}/execplan-upstream/" 2>/dev/null || true`]);
      } else if (step.uses?.startsWith('actions/upload-artifact')) {
        const from = step.with!.path!.replace('${{ runner.temp }}', temp);
        mkdirSync(path.join(artifacts, step.with!.name!), { recursive: true });
        execFileSync('cp', [from, path.join(artifacts, step.with!.name!)]);
      } else if (step.run && step.shell === 'node {0}') {
        summaryScript = path.join(temp, 'summary.js');
        writeFileSync(summaryScript, step.run);
      } else if (step.run && !step.name.startsWith('Install @')) {
        const run = step.run.replace(/\$\{\{ github\.run_id \}\}/g, '42').replace(/\$\{\{ github\.actor \}\}/g, 'someone');
        const out = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', run], {
          cwd: work,
          env: { ...stepEnv, BRANCH: stepEnv.BRANCH?.replace('${{ github.run_id }}', '42') },
          encoding: 'utf8',
        });
        if (out.status !== 0) {
          failed = true;
          t.fail(`${id}: step "${step.name}" failed: ${out.stdout}${out.stderr}`);
        }
      }
    }
    if (id !== summaryJobId) results[id] = { result: failed ? 'failure' : 'success' };
    summary += readFileSync(stepSummary, 'utf8');
  }
  /** The summary job's script, given the jobs' results (and the GitHub API at `api`, for log links). */
  const summarize = async (needs: Record<string, { result: string }>, api = 'http://127.0.0.1:9') => {
    const env = {
      PATH: process.env.PATH,
      NEEDS: JSON.stringify(needs),
      EXECPLAN_JOBS: workflow.jobs[summaryJobId]!.steps[0]!.env!.EXECPLAN_JOBS,
      GITHUB_STEP_SUMMARY: path.join(base, 'final.md'),
      GITHUB_API_URL: api,
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_REPOSITORY: 'o/r',
      GITHUB_RUN_ID: '1',
      GITHUB_RUN_ATTEMPT: '1',
      GH_TOKEN: 'token',
    };
    const child = spawn(process.execPath, [summaryScript], { env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
    return { status, stdout, stderr };
  };
  return { workflow, results, summary, summarize };
}

function repository(base: string, files: (repo: string) => void): { repo: string; origin: string } {
  const repo = path.join(base, 'repo');
  const origin = path.join(base, 'origin.git');
  mkdirSync(repo);
  files(repo);
  git(repo, 'init', '-q', '-b', 'main');
  return { repo, origin };
}

function publish(base: string, repo: string, origin: string): void {
  writeFileSync(path.join(repo, '.gitignore'), '.execplan/\n');
  git(repo, 'add', '-A');
  git(repo, 'commit', '-qm', 'plan');
  git(base, 'clone', '-q', '--bare', repo, origin);
}

t.test('the jobs work when run the way a runner does: fresh checkouts, artifacts between them, a summary', async (t) => {
  // examples/make in a repository of its own.
  const base = tempDir();
  const { repo, origin } = repository(base, (repo) => execFileSync('cp', ['-r', path.join(root, 'examples/make'), path.join(repo, 'make')]));
  const r = await cli(['export', 'github-actions', 'make/plan.yaml'], { cwd: repo });
  t.equal(r.code, 0, r.stderr);
  publish(base, repo, origin);
  // The README's excerpt is this workflow, lines left out where it says so.
  const generated = readFileSync(path.join(repo, '.github/workflows/execplan-make-example.yml'), 'utf8').split('\n');
  const readme = /```yaml\n(# Generated by `execplan export github-actions make\/plan\.yaml`[\s\S]*?)```/.exec(readFileSync(path.join(root, 'README.md'), 'utf8'))![1]!;
  let at = 0;
  for (const line of readme.split('\n').filter((l) => l !== '' && !l.includes('# …'))) {
    while (at < generated.length && generated[at] !== line) at++;
    t.ok(at < generated.length, `README excerpt line found in order: ${line}`);
  }
  const { workflow, results, summary, summarize } = runWorkflow(t, base, origin, path.join(repo, '.github/workflows/execplan-make-example.yml'));
  t.same(
    Object.values(results).map((x) => x.result),
    Object.keys(workflow.jobs)
      .filter((id) => id !== summaryJobId)
      .map(() => 'success'),
  );
  // The last job saw what the jobs before it built in other checkouts.
  t.match(readFileSync(path.join(base, 'job-checksum/make/build/index.txt.cksum'), 'utf8'), /^\d+ \d+ build\/index\.txt/);
  t.match(summary, /### `page`[\s\S]*page attempt 1: done/);
  const ok = await summarize(results);
  t.equal(ok.status, 0, ok.stderr);
  t.match(ok.stdout, /## execplan run\n\n\| job \| task \| title \| result \|\n\|---\|---\|---\|---\|\n\| greeting \| `greeting` \| Render the greeting part \| done \|/);
  t.match(readFileSync(path.join(base, 'final.md'), 'utf8'), /4 success/);
  // One failed job: a failure list with a link to the run (no API here), and exit 1.
  const failing = { ...results, page: { result: 'failure' }, checksum: { result: 'skipped' } };
  const failed = await summarize(failing);
  t.equal(failed.status, 1);
  t.match(failed.stdout, /\| page \| `page` \| Assemble the page \| FAILED \|/);
  t.match(failed.stdout, /- page: \[log\]\(https:\/\/github\.com\/o\/r\/actions\/runs\/1\)/);
  t.match(failed.stdout, /Re-run failed jobs/);
  // With the API (a local stand-in): the link goes to the failed job's own log.
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(`${req.url} ${req.headers.authorization}`);
    res.setHeader('content-type', 'application/json');
    res.end(
      JSON.stringify({
        jobs: [
          { name: 'Render the greeting part', html_url: 'https://github.com/o/r/actions/runs/1/job/11' },
          { name: 'Assemble the page', html_url: 'https://github.com/o/r/actions/runs/1/job/77' },
        ],
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => server.close());
  const linked = await summarize(failing, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  t.equal(linked.status, 1);
  t.match(linked.stdout, /- page: \[log\]\(https:\/\/github\.com\/o\/r\/actions\/runs\/1\/job\/77\)/);
  t.same(requests, ['/repos/o/r/actions/runs/1/attempts/1/jobs?per_page=100&page=1 Bearer token']);
});

t.test('agent tasks of a stream: each job continues the stream branch and pushes its work there', async (t) => {
  const base = tempDir();
  const { repo, origin } = repository(base, (repo) =>
    writeFileSync(
      path.join(repo, 'plan.yaml'),
      `version: 1
name: agents
streams: { api: {} }
tasks:
  - { id: first, title: First edit, stream: api, agent: { profile: claude, prompt: Edit }, env: { FAKE_AGENT_EDIT: one.txt } }
  - { id: second, title: Second edit, stream: api, needs: [first], agent: { profile: claude, prompt: Edit }, env: { FAKE_AGENT_EDIT: two.txt } }
`,
    ),
  );
  const r = await cli(['export', 'github-actions'], { cwd: repo });
  t.equal(r.code, 0, r.stderr);
  publish(base, repo, origin);
  const fakeBin = path.join(root, 'test/fixtures/agents/bin');
  const { results } = runWorkflow(t, base, origin, path.join(repo, '.github/workflows/execplan-agents.yml'), {
    PATH: `${fakeBin}:${process.env.PATH}`,
    FAKE_AGENT_MODE: 'edit',
    FAKE_AGENT_RECORD: path.join(base, 'records'),
  });
  t.same(results, { first: { result: 'success' }, second: { result: 'success' } });
  const log = git(origin, 'log', '--format=%s', 'execplan/agents/api-42');
  t.equal(log, 'execplan: second: Second edit\nexecplan: first: First edit\nplan\n', 'both tasks pushed, in order, on the stream branch');
  t.same(git(origin, 'ls-tree', '--name-only', 'execplan/agents/api-42').trim().split('\n').sort(), ['.github', '.gitignore', 'one.txt', 'plan.yaml', 'two.txt']);
  t.equal(git(origin, 'log', '--format=%s', 'main'), 'plan\n', 'the default branch is untouched');
});

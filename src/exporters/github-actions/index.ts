/**
 * `execplan export github-actions`: the compiled plan as a GitHub Actions workflow. One job per task
 * (`execplan run <plan> --only <task> --upstream-done`), ordered by `needs:` edges that keep every
 * dependency, phase barrier, file conflict, resource capacity and the concurrency limit whatever the jobs'
 * durations (see flow.ts); hand-offs and logs travel between jobs as artifacts; a final job summarises.
 * Plans with more tasks than a workflow may hold jobs are grouped by wave (see grouping in this file).
 * Pure: the same plan and options give the same bytes.
 */
import { posix } from 'node:path';
import { stringify } from 'yaml';
import type { CompiledPlan } from '../../compiler/compiled.js';
import type { TaskModel } from '../../compiler/model.js';
import type { Exporter, ExportNotice, ExportResult } from '../exporter.js';
import { handoverNeeds } from './flow.js';
import { jobIds } from './job-ids.js';

/** GitHub runs at most 256 jobs per workflow run; one of them is the summary job. */
export const maxWorkflowJobs = 256;
/** Hosted runners stop a job after 6 hours whatever `timeout-minutes` says. */
export const hostedTimeoutMinutes = 360;
export const summaryJobId = 'execplan-summary';

/** Pinned majors of the actions the workflow uses. */
export const actions = {
  checkout: 'actions/checkout@v4',
  setupNode: 'actions/setup-node@v4',
  upload: 'actions/upload-artifact@v4',
  download: 'actions/download-artifact@v4',
} as const;

export interface AgentJobInfo {
  /** The profile's name (claude, codex, gemini or one from execplan.config.yaml). */
  profile: string;
  /** The program the profile runs (its command's first word). */
  program: string;
}

export interface GithubActionsOptions {
  /** The plan file, relative to the repository root, '/'-separated. */
  planPath: string;
  /** The plan's state directory (.execplan), relative to the repository root. */
  stateDir: string;
  /** Where the workflow is written, relative to the repository root (the key of the returned file). */
  workflowPath: string;
  /** The concurrency limit the jobs must hold (the compiled schedule used the same one). */
  concurrency: number;
  runsOn: string;
  /** How each job gets execplan: the repository's own package (`npm ci`), or a published version. */
  install: { kind: 'repository' } | { kind: 'npx'; version: string };
  /** Agent tasks: which profile and program each uses. */
  agents: Record<string, AgentJobInfo>;
  /** The branch a stream's agent work is pushed to, before `-<run id>`; key '' for tasks without a stream. */
  branchPrefix: (stream: string | null) => string;
  /** How the command was called (recorded in the header, so `--check` advice repeats it). */
  command: string;
  /** Test hook: a smaller job limit than GitHub's. */
  maxJobs?: number;
}

/** What GitHub needs to run a built-in agent CLI: its npm package and the secret holding its key. */
export const agentSetup: Record<string, { npm: string; secrets: string[] }> = {
  claude: { npm: '@anthropic-ai/claude-code', secrets: ['ANTHROPIC_API_KEY'] },
  codex: { npm: '@openai/codex', secrets: ['OPENAI_API_KEY'] },
  gemini: { npm: '@google/gemini-cli', secrets: ['GEMINI_API_KEY'] },
};

/** One job of the workflow: one task, or (over the job limit) a group of tasks of consecutive waves. */
export interface PlannedJob {
  id: string;
  name: string;
  tasks: string[];
  needs: string[];
  /** The --concurrency the job's run uses (only for groups). */
  concurrency: number | null;
}

export interface JobLayout {
  jobs: PlannedJob[];
  grouped: boolean;
  notices: ExportNotice[];
}

const ESC = (text: string) => text.replace(/\$\{\{/g, '$ {{');

/** The jobs and their `needs`: one per task when the plan fits, otherwise groups of wave chunks. */
export function layoutJobs(compiled: CompiledPlan, concurrency: number, maxJobs = maxWorkflowJobs): JobLayout {
  const { model } = compiled;
  const budget = maxJobs - 1;
  if (model.tasks.length <= budget) return oneJobPerTask(compiled, concurrency);
  // Waves are sets of tasks that may run together (capacities, the concurrency limit and file conflicts
  // hold within a wave, and no task depends on another of its wave), and wave k+1 starts after wave k.
  // So chunks of one wave may run side by side on separate runners, each after all chunks of the wave before.
  const waves = compiled.waves.waves.map((w) => w.tasks);
  const fits = waves.length <= budget;
  const groups = fits
    ? chunkedWaves(compiled, waves, budget)
    : Array.from({ length: budget }, (_, g) => [waves.slice(Math.floor((g * waves.length) / budget), Math.floor(((g + 1) * waves.length) / budget)).flat()]);
  const runConcurrency = fits ? (chunk: string[]) => Math.max(1, Math.min(chunk.length, concurrency)) : () => concurrency;
  const jobs: PlannedJob[] = [];
  let previous: string[] = [];
  const width = String(groups.length).length;
  groups.forEach((chunks, g) => {
    const ids = chunks.map((_, c) => `wave-${String(g + 1).padStart(width, '0')}${chunks.length > 1 ? `-${c + 1}` : ''}`);
    chunks.forEach((chunk, c) => {
      const waveLabel = fits ? `wave ${g + 1}` : `waves ${Math.floor((g * waves.length) / budget) + 1}-${Math.floor(((g + 1) * waves.length) / budget)}`;
      jobs.push({
        id: ids[c]!,
        name: `${waveLabel}${chunks.length > 1 ? ` (part ${c + 1} of ${chunks.length})` : ''}: ${chunk.length} task${chunk.length === 1 ? '' : 's'}`,
        tasks: chunk,
        needs: previous,
        concurrency: runConcurrency(chunk),
      });
    });
    previous = ids;
  });
  const notices: ExportNotice[] = [
    {
      level: 'warning',
      message: `${model.tasks.length} tasks do not fit in one workflow (GitHub runs at most ${maxJobs} jobs, one is the summary): grouped into ${jobs.length} jobs by wave${waves.length > budget ? ' (consecutive waves share a job)' : ''}; each job runs its tasks with \`execplan run --only\``,
    },
  ];
  return { jobs, grouped: true, notices };
}

/** The plan fits: a job per task, ordered by the hand-over edges. */
function oneJobPerTask(compiled: CompiledPlan, concurrency: number): JobLayout {
  const { model } = compiled;
  const flow = handoverNeeds(compiled, concurrency);
  const ids = jobIds(flow.order, [summaryJobId]);
  const byId = new Map(model.tasks.map((t) => [t.id, t]));
  const jobs = flow.order.map((task) => ({
    id: ids.get(task)!,
    name: ESC(byId.get(task)!.title || task),
    tasks: [task],
    needs: flow.needs.get(task)!.map((d) => ids.get(d)!),
    concurrency: null,
  }));
  const notices: ExportNotice[] = [];
  if (flow.forced > 0)
    notices.push({
      level: 'notice',
      message: `${flow.forced} resource hand-over(s) wait for running tasks: the concurrency limit ${concurrency} is lower than what the compiled schedule uses; compile with --concurrency ${concurrency} for a schedule made for it`,
    });
  return { jobs, grouped: false, notices };
}

/**
 * Each wave (there are no more waves than jobs) split into chunks: the spare jobs go, one at a time, to the
 * wave whose chunks are largest. Groups of chunks; each group = the chunks of one wave, run side by side.
 */
function chunkedWaves(compiled: CompiledPlan, waves: readonly string[][], budget: number): string[][][] {
  const { model } = compiled;
  const streamOf = new Map(model.tasks.map((t) => [t.id, t.stream ?? '']));
  const planIndex = new Map(model.tasks.map((t) => [t.id, t.index]));
  const chunks = waves.map(() => 1);
  for (let spare = budget - waves.length; spare > 0; spare--) {
    let best = -1;
    waves.forEach((w, k) => {
      if (chunks[k]! < w.length && (best < 0 || Math.ceil(w.length / chunks[k]!) > Math.ceil(waves[best]!.length / chunks[best]!))) best = k;
    });
    if (best < 0) break;
    chunks[best]!++;
  }
  return waves.map((w, k) => {
    // By stream, then plan order: a stream's tasks of a wave share a runner when they can.
    const sorted = [...w].sort((a, b) => (streamOf.get(a)! < streamOf.get(b)! ? -1 : streamOf.get(a)! > streamOf.get(b)! ? 1 : planIndex.get(a)! - planIndex.get(b)!));
    const c = chunks[k]!;
    return Array.from({ length: c }, (_, i) => sorted.slice(Math.floor((i * sorted.length) / c), Math.floor(((i + 1) * sorted.length) / c)));
  });
}

function timeoutMinutes(tasks: TaskModel[]): number | null {
  let total = 0;
  for (const t of tasks) {
    if (t.timeoutSeconds === null) return null;
    // Every attempt may use the whole timeout; 10 minutes more for checkout, install and upload.
    total += t.timeoutSeconds * (t.retries + 1);
  }
  return Math.ceil(total / 60) + 10;
}

/** A path for a bash word: globs stay unquoted (so they expand), anything else is single-quoted. */
function shellWord(text: string): string {
  if (/^[A-Za-z0-9._/*?{},@+-]+$/.test(text)) return text;
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/**
 * A task's declared `outputs` as paths from the repository root: a later job needs them (a command
 * task's build products) and each job starts from a fresh checkout.
 */
function outputPaths(task: TaskModel, planPath: string, defaultCwd: string | undefined): string[] {
  const planDir = posix.dirname(planPath);
  const cwd = task.source.cwd ?? defaultCwd ?? '.';
  return (task.source.outputs ?? []).filter((o) => !o.startsWith('!')).map((o) => posix.normalize(posix.join(planDir, cwd, o)));
}

/** What every job's steps are made from: the options, the layout, and the plan's tasks by id. */
interface JobContext {
  compiled: CompiledPlan;
  options: GithubActionsOptions;
  layout: JobLayout;
  byId: Map<string, TaskModel>;
}

/** One job's part of the workflow, and what the notices say about it. */
interface BuiltJob {
  yaml: unknown;
  /** `job (N min)` when its timeout is above what hosted runners allow. */
  overLimit: string | null;
  /** Agent profiles that are not built in (their program must be installed by hand). */
  customProfiles: string[];
}

export const githubActionsExporter: Exporter<GithubActionsOptions> = {
  name: 'github-actions',
  export(compiled, options): ExportResult {
    const { model } = compiled;
    const layout = layoutJobs(compiled, options.concurrency, options.maxJobs);
    const context: JobContext = { compiled, options, layout, byId: new Map(model.tasks.map((t) => [t.id, t])) };
    const jobs: Record<string, unknown> = {};
    const overLimit: string[] = [];
    const customProfiles = new Set<string>();
    for (const job of layout.jobs) {
      const built = buildJob(context, job);
      jobs[job.id] = built.yaml;
      if (built.overLimit !== null) overLimit.push(built.overLimit);
      built.customProfiles.forEach((p) => customProfiles.add(p));
    }
    jobs[summaryJobId] = summaryJob(context);
    const notices = [...layout.notices, ...jobNotices(overLimit, customProfiles)];
    const execplan = options.install.kind === 'repository' ? 'node bin/execplan.js' : `npx --yes execplan@${options.install.version}`;
    const workflow = {
      name: ESC(`execplan: ${model.title || model.name}`),
      on: { workflow_dispatch: {} },
      permissions: { contents: 'read' },
      // One run of the plan at a time: capacities hold within a run, not across two.
      concurrency: { group: `execplan-${model.name}`, 'cancel-in-progress': false },
      env: { EXECPLAN_PLAN: options.planPath, EXECPLAN: execplan, CI: 'true' },
      jobs,
    };
    const header =
      `# Generated by \`${options.command}\` from ${options.planPath} (${model.tasks.length} tasks, ${layout.jobs.length} task jobs${layout.grouped ? ', grouped by wave' : ''}).\n` +
      '# Do not edit: change the plan and run the command again; `--check` fails when this file is stale.\n';
    const text = header + stringify(workflow, { lineWidth: 0, blockQuote: 'literal', aliasDuplicateObjects: false });
    const summary = `${layout.jobs.length} task job${layout.jobs.length === 1 ? '' : 's'}${layout.grouped ? ' (grouped by wave)' : ''} + 1 summary job, concurrency ${options.concurrency}`;
    return { files: { [options.workflowPath]: text }, notices, summary };
  },
};

function jobNotices(overLimit: readonly string[], customProfiles: ReadonlySet<string>): ExportNotice[] {
  const notices: ExportNotice[] = [];
  if (overLimit.length > 0)
    notices.push({
      level: 'warning',
      message: `timeout-minutes above ${hostedTimeoutMinutes} (hosted runners stop a job after 6 hours; use a self-hosted --runs-on): ${overLimit.join(', ')}`,
    });
  if (customProfiles.size > 0)
    notices.push({
      level: 'notice',
      message: `agent profile(s) ${[...customProfiles].sort().join(', ')} are not built in: install their program on the runner (--runs-on) and provide their credentials yourself`,
    });
  return notices;
}

/** The tasks of a job sorted by what the job does with them. */
interface JobTasks {
  tasks: TaskModel[];
  /** Agent work is committed and pushed (to the stream's branch, or the streams' branches). */
  pushes: boolean;
  gated: TaskModel[];
  manual: TaskModel[];
  runnable: TaskModel[];
  /** The secrets and npm packages the job's built-in agents need. */
  secrets: Set<string>;
  npmPackages: Set<string>;
  /** The branch a single-task job continues and pushes to. */
  branch: string;
}

function buildJob(context: JobContext, job: PlannedJob): BuiltJob {
  const { options } = context;
  const tasks = job.tasks.map((id) => context.byId.get(id)!);
  const agentTasks = tasks.filter((t) => t.kind === 'agent');
  const secrets = new Set<string>();
  const npmPackages = new Set<string>();
  const customProfiles: string[] = [];
  for (const t of agentTasks) {
    const agent = options.agents[t.id];
    const setup = agent ? (agentSetup[agent.program] ?? agentSetup[agent.profile]) : undefined;
    if (setup) {
      setup.secrets.forEach((s) => secrets.add(s));
      npmPackages.add(setup.npm);
    } else customProfiles.push(agent?.profile ?? 'unknown');
  }
  const stream = tasks.length === 1 ? tasks[0]!.stream : null;
  const jt: JobTasks = {
    tasks,
    pushes: agentTasks.length > 0,
    gated: tasks.filter((t) => t.gate === 'approve' && t.kind !== 'manual'),
    manual: tasks.filter((t) => t.kind === 'manual'),
    runnable: tasks.filter((t) => t.kind !== 'manual'),
    secrets,
    npmPackages,
    branch: `${options.branchPrefix(stream)}-\${{ github.run_id }}`,
  };
  const minutes = timeoutMinutes(jt.runnable);
  const steps = [...setupSteps(context, job, jt), ...runSteps(context, job, jt), ...pushSteps(context, jt), ...resultSteps(context, job, tasks)];
  const yaml = {
    name: job.name,
    ...(job.needs.length > 0 ? { needs: job.needs } : {}),
    'runs-on': options.runsOn,
    ...(minutes !== null ? { 'timeout-minutes': minutes } : {}),
    ...(jt.manual.length > 0 ? { environment: 'execplan-manual' } : jt.gated.length > 0 ? { environment: 'execplan-approval' } : {}),
    ...(jt.pushes ? { permissions: { contents: 'write' } } : {}),
    steps,
  };
  return { yaml, overLimit: minutes !== null && minutes > hostedTimeoutMinutes ? `${job.id} (${minutes} min)` : null, customProfiles };
}

/** Checkout (on the stream's branch), Node, execplan, the agents' CLIs, and what upstream jobs left. */
function setupSteps({ options, layout }: JobContext, job: PlannedJob, jt: JobTasks): unknown[] {
  const steps: unknown[] = [];
  steps.push({ name: 'Check out the repository', uses: actions.checkout, ...(jt.pushes ? { with: { 'fetch-depth': 0 } } : {}) });
  if (jt.pushes && !layout.grouped) {
    steps.push({
      name: "Continue the stream's branch",
      env: { BRANCH: jt.branch },
      run: 'if git fetch origin "$BRANCH" 2>/dev/null; then git checkout -B "$BRANCH" FETCH_HEAD; else git checkout -B "$BRANCH"; fi\n',
    });
  }
  steps.push({ name: 'Set up Node.js', uses: actions.setupNode, with: { 'node-version': 20, ...(options.install.kind === 'repository' ? { cache: 'npm' } : {}) } });
  if (options.install.kind === 'repository') steps.push({ name: 'Install execplan (this repository)', run: 'npm ci --no-audit --no-fund\n' });
  for (const pkg of [...jt.npmPackages].sort()) steps.push({ name: `Install ${pkg}`, run: `npm install -g --no-audit --no-fund ${pkg}\n` });
  if (job.needs.length > 0) {
    // Each upstream job packed its results with their paths in the repository; unpack them in place.
    steps.push({ name: 'Download the results of upstream jobs', uses: actions.download, with: { pattern: 'execplan-*', path: '${{ runner.temp }}/execplan-upstream' } });
    steps.push({
      name: 'Unpack the results of upstream jobs',
      run: 'for f in "$RUNNER_TEMP"/execplan-upstream/*/execplan-results.tgz; do\n  if [ -f "$f" ]; then tar -xzf "$f"; tar -tzf "$f" >> "$RUNNER_TEMP/execplan-unpacked.txt"; fi\ndone\n',
    });
  }
  return steps;
}

/** Approvals and manual confirmations (through the job's environment), then the run of the job's tasks. */
function runSteps({ layout }: JobContext, job: PlannedJob, jt: JobTasks): unknown[] {
  const { tasks, runnable, secrets } = jt;
  const steps: unknown[] = [];
  for (const t of jt.gated) steps.push({ name: `Approve ${t.id} (approved through the environment)`, run: `$EXECPLAN approve ${t.id} --plan "$EXECPLAN_PLAN"\n` });
  for (const t of jt.manual) {
    steps.push({
      name: `Mark ${t.id} done (confirmed through the environment)`,
      run: `$EXECPLAN done ${t.id} --plan "$EXECPLAN_PLAN" --reason "confirmed in GitHub environment execplan-manual, run \${{ github.run_id }} by \${{ github.actor }}"\n`,
    });
  }
  if (runnable.length > 0) {
    const only = runnable.map((t) => t.id).join(',');
    const flags = [
      `--only ${only}`,
      '--upstream-done',
      ...(job.concurrency !== null ? [`--concurrency ${job.concurrency}`] : []),
      ...(layout.grouped && jt.pushes ? ['--worktrees'] : []),
    ];
    steps.push({
      name: tasks.length === 1 ? `Run ${tasks[0]!.id}` : `Run ${runnable.length} tasks`,
      run: `$EXECPLAN run "$EXECPLAN_PLAN" ${flags.join(' ')}\n`,
      ...(secrets.size > 0 ? { env: Object.fromEntries([...secrets].sort().map((s) => [s, `\${{ secrets.${s} }}`])) } : {}),
    });
  }
  return steps;
}

/** Agent work pushed: one task's commit to its stream's branch, or (grouped) the streams' branches `run --worktrees` made. */
function pushSteps({ options, layout }: JobContext, jt: JobTasks): unknown[] {
  if (!jt.pushes) return [];
  const { tasks } = jt;
  const identity = 'git config user.name "github-actions[bot]"\ngit config user.email "41898282+github-actions[bot]@users.noreply.github.com"\n';
  if (layout.grouped) {
    // `run --worktrees` committed each stream's tasks on its own branch (named after the run).
    return [
      {
        name: "Push the streams' branches",
        run: identity + `git for-each-ref --format='%(refname:short)' 'refs/heads/execplan/' | while read -r b; do git push origin "$b:refs/heads/$b"; done\n`,
      },
    ];
  }
  return [
    {
      name: "Push the work to the stream's branch",
      env: { BRANCH: jt.branch, TASK_TITLE: ESC(tasks[0]!.title) },
      run:
        identity +
        // Neither the state folder nor what upstream jobs unpacked belongs in the task's commit.
        'git add -A\n' +
        `git reset -q -- '${options.stateDir}'\n` +
        'if [ -f "$RUNNER_TEMP/execplan-unpacked.txt" ]; then git reset -q --pathspec-from-file="$RUNNER_TEMP/execplan-unpacked.txt"; fi\n' +
        'if git diff --cached --quiet; then echo "no changes to push"; exit 0; fi\n' +
        `git commit -q -m "execplan: ${tasks[0]!.id}: $TASK_TITLE"\n` +
        '# Tasks of one stream may finish at the same time: rebase on what the others pushed, then retry.\n' +
        'for attempt in 1 2 3 4 5; do\n' +
        '  if git push origin "HEAD:refs/heads/$BRANCH"; then exit 0; fi\n' +
        '  git pull --rebase origin "$BRANCH" || exit 1\n' +
        'done\n' +
        'exit 1\n',
    },
  ];
}

/** Always, also after a failure: the logs in the job summary, and the results packed and uploaded for dependent jobs. */
function resultSteps({ compiled, options }: JobContext, job: PlannedJob, tasks: readonly TaskModel[]): unknown[] {
  const { stateDir } = options;
  // A tar keeps every path as it is in the repository (an artifact keeps paths below the files'
  // common folder only) and hidden folders like .execplan; downstream jobs unpack it in place.
  const results = [
    ...tasks.flatMap((t) => [`${stateDir}/handoffs/${t.id}`, `${stateDir}/logs/${t.id}`]),
    `${stateDir}/jobs/${job.id}`,
    ...tasks.flatMap((t) => outputPaths(t, options.planPath, compiled.model.source.defaults?.cwd)),
  ];
  return [
    {
      name: 'Write the job summary',
      if: 'always()',
      env: { TASKS: tasks.map((t) => t.id).join(' ') },
      run:
        '{\n' +
        '  for task in $TASKS; do\n' +
        '    echo "### \\`$task\\`"\n' +
        '    echo\n' +
        '    echo "<details><summary>log</summary>"\n' +
        '    echo\n' +
        "    echo '```'\n" +
        '    $EXECPLAN logs "$task" --plan "$EXECPLAN_PLAN" 2>&1 | tail -n 80\n' +
        "    echo '```'\n" +
        '    echo "</details>"\n' +
        '  done\n' +
        '} >> "$GITHUB_STEP_SUMMARY"\n',
    },
    {
      name: 'Pack hand-offs, logs, state and declared outputs',
      if: 'always()',
      run:
        'shopt -s globstar nullglob\n' +
        `mkdir -p "${stateDir}/jobs/${job.id}"\n` +
        `cp "${stateDir}/state.json" "${stateDir}/journal.jsonl" "${stateDir}/jobs/${job.id}/" 2>/dev/null || true\n` +
        'files=()\n' +
        `for f in ${results.map(shellWord).join(' ')}; do\n` +
        '  if [ -e "$f" ]; then files+=("$f"); fi\n' +
        'done\n' +
        'tar -czf "$RUNNER_TEMP/execplan-results.tgz" "${files[@]}"\n',
    },
    {
      name: 'Upload the results for dependent jobs',
      if: 'always()',
      uses: actions.upload,
      with: {
        name: `execplan-${job.id}`,
        path: '${{ runner.temp }}/execplan-results.tgz',
        'if-no-files-found': 'ignore',
        // A re-run of a failed job uploads again under the same name.
        overwrite: true,
      },
    },
  ];
}

/** The last job: a table of every job's result, with links to the failed ones. */
function summaryJob({ layout, byId, options }: JobContext): unknown {
  const table = Object.fromEntries(layout.jobs.map((j) => [j.id, { name: j.name, tasks: j.tasks.map((id) => [id, byId.get(id)!.title]) }]));
  return {
    name: 'execplan summary',
    if: 'always()',
    needs: layout.jobs.map((j) => j.id),
    'runs-on': options.runsOn,
    permissions: { actions: 'read' },
    steps: [
      {
        name: 'Summarize the run',
        shell: 'node {0}',
        env: { NEEDS: '${{ toJSON(needs) }}', GH_TOKEN: '${{ github.token }}', EXECPLAN_JOBS: JSON.stringify(table) },
        run: summaryScript,
      },
    ],
  };
}

/** The summary job's script (node): a status table, failures with links to their logs, exit 1 on a failure. */
const summaryScript = `const fs = require('node:fs');
const needs = JSON.parse(process.env.NEEDS);
const jobs = JSON.parse(process.env.EXECPLAN_JOBS);
const env = process.env;
const run = env.GITHUB_SERVER_URL + '/' + env.GITHUB_REPOSITORY + '/actions/runs/' + env.GITHUB_RUN_ID;
(async () => {
  // Job pages by name, for links to the failed jobs' logs (the needs context has no job URLs).
  const links = {};
  try {
    for (let page = 1; page <= 4; page++) {
      const r = await fetch(env.GITHUB_API_URL + '/repos/' + env.GITHUB_REPOSITORY + '/actions/runs/' + env.GITHUB_RUN_ID + '/attempts/' + env.GITHUB_RUN_ATTEMPT + '/jobs?per_page=100&page=' + page, { headers: { authorization: 'Bearer ' + env.GH_TOKEN, accept: 'application/vnd.github+json' } });
      if (!r.ok) break;
      const body = await r.json();
      for (const j of body.jobs) if (!(j.name in links)) links[j.name] = j.html_url;
      if (body.jobs.length < 100) break;
    }
  } catch {}
  const icon = { success: 'done', failure: 'FAILED', cancelled: 'cancelled', skipped: 'skipped' };
  const lines = ['## execplan run', '', '| job | task | title | result |', '|---|---|---|---|'];
  const failed = [];
  const counts = {};
  for (const [job, { tasks }] of Object.entries(jobs)) {
    const result = (needs[job] && needs[job].result) || 'skipped';
    counts[result] = (counts[result] || 0) + 1;
    for (const [task, title] of tasks) lines.push('| ' + job + ' | \`' + task + '\` | ' + String(title).replace(/[|]/g, '\\\\|') + ' | ' + (icon[result] || result) + ' |');
    if (result === 'failure' || result === 'cancelled') failed.push(job);
  }
  lines.push('', Object.entries(counts).map(([k, v]) => v + ' ' + k).join(', '));
  if (failed.length) {
    lines.push('', '### Failed', '');
    for (const job of failed) {
      const url = links[jobs[job].name] || run;
      lines.push('- ' + job + ': [log](' + url + '), hand-offs and logs in the artifact \`execplan-' + job + '\` ([run](' + run + '))');
    }
    lines.push('', 'Fix the cause, then use **Re-run failed jobs**: the jobs that succeeded are not run again.');
  }
  fs.appendFileSync(env.GITHUB_STEP_SUMMARY, lines.join('\\n') + '\\n');
  console.log(lines.join('\\n'));
  if (failed.length) process.exit(1);
})();
`;

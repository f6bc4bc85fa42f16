/**
 * execplan export github-actions [plan.yaml] [-o FILE] [--concurrency N] [--runs-on LABEL] [--check]:
 * writes the plan as a GitHub Actions workflow (src/exporters/github-actions), by default to
 * .github/workflows/execplan-<plan>.yml of the repository holding the plan. --check writes nothing and
 * exits 10 when the committed workflow differs from what the plan gives now.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { resolveProfiles, defaultProfileName } from '../../agents/profiles.js';
import { taskAgent } from '../../agents/task-agent.js';
import { branchName } from '../../compiler/analysis/streams.js';
import { compilePlan } from '../../compiler/compile.js';
import { err, ok } from '../../core/result.js';
import { githubActionsExporter, type AgentJobInfo } from '../../exporters/github-actions/index.js';
import { statePaths } from '../../runner/paths.js';
import { parseCommandArgs, parsePositiveInt } from '../args.js';
import { UsageError, type CliIo, type CommandResult } from '../command.js';
import { loadPlanWithConfig, printDiagnostics, type LoadedPlan, type PlanInput } from '../plan-input.js';
import { version } from '../version.js';
import { writeOneFile } from '../write-files.js';

/** The nearest folder above `dir` (itself included) holding `.git`, or null outside a repository. */
function repositoryRoot(dir: string): string | null {
  for (let d = dir; ; d = path.dirname(d)) {
    if (existsSync(path.join(d, '.git'))) return d;
    if (path.dirname(d) === d) return null;
  }
}

const slash = (p: string) => p.split(path.sep).join('/');

/** A runner label as GitHub takes it: one word of letters, digits and `._-` (self-hosted labels included). */
const labelPattern = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export async function exportGithubActions(args: string[], io: CliIo): Promise<CommandResult> {
  const { values, positionals } = parseCommandArgs(
    args,
    {
      output: { type: 'string', short: 'o' },
      concurrency: { type: 'string', short: 'j' },
      'runs-on': { type: 'string' },
      check: { type: 'boolean', default: false },
      config: { type: 'string' },
    },
    1,
  );
  const concurrencyFlag = parsePositiveInt(values.concurrency, '--concurrency');
  const runsOn = values['runs-on'] ?? 'ubuntu-latest';
  if (!labelPattern.test(runsOn)) throw new UsageError(`--runs-on takes one runner label (letters, digits, '.', '_', '-'), got '${runsOn}'`);
  if (values.output !== undefined && (values.output.trim() === '' || values.output === '-')) throw new UsageError('-o needs a file, e.g. -o .github/workflows/execplan.yml');

  // The schedule is compiled for the limit the jobs must hold, as `compile --concurrency` does.
  const outcome = await loadPlanWithConfig(io, positionals[0], concurrencyFlag ? { maxConcurrency: concurrencyFlag } : {}, values.config);
  if (!outcome.ok) return outcome;
  const { diagnostics, model, input, config } = outcome.value;
  printDiagnostics(io, diagnostics);
  const where = workflowLocation(io, input, model.name, values.output);
  const command = [
    'execplan export github-actions',
    where.planPath,
    values.output !== undefined && `-o ${where.workflowPath}`,
    concurrencyFlag !== undefined && `--concurrency ${concurrencyFlag}`,
    values['runs-on'] !== undefined && `--runs-on ${runsOn}`,
    values.config !== undefined && `--config ${values.config}`,
  ]
    .filter(Boolean)
    .join(' ');
  const result = githubActionsExporter.export(compilePlan(model), {
    planPath: where.planPath,
    stateDir: slash(path.relative(where.root, statePaths(input.dir, model.name).dir)),
    workflowPath: where.workflowPath,
    concurrency: concurrencyFlag ?? model.settings.maxConcurrency,
    runsOn,
    install: (await isExecplanItself(where.root)) ? { kind: 'repository' } : { kind: 'npx', version },
    agents: agentsOf(model, config),
    // The run id keeps two runs' branches apart, and a re-run of failed jobs continues its run's branch.
    branchPrefix: (stream) => branchName(model.name, stream ?? 'tasks'),
    command,
  });
  for (const notice of result.notices) io.stderr(`execplan: ${notice.level}: ${notice.message}\n`);
  const content = result.files[where.workflowPath]!;
  if (values.check) return checkWorkflow(io, input.file, where, content, command);
  try {
    await mkdir(path.dirname(where.file), { recursive: true });
  } catch (error) {
    return err({ kind: 'write-failed', message: `cannot create the folder of ${where.shown} (${(error as NodeJS.ErrnoException).code ?? String(error)})` });
  }
  const written = await writeOneFile(where.file, where.shown, content);
  if (!written.ok) return written;
  io.stderr(`${input.file}: ${model.tasks.length} tasks -> ${where.shown} (${result.summary})\n`);
  return ok();
}

/** Where the plan and the workflow are: the repository root, both paths from it, and the workflow as shown to the user. */
interface WorkflowLocation {
  root: string;
  planPath: string;
  file: string;
  workflowPath: string;
  shown: string;
}

function workflowLocation(io: CliIo, input: PlanInput, planName: string, output: string | undefined): WorkflowLocation {
  // Outside a repository (one yet to be made): the current folder if it holds the plan, else the plan's.
  const root = repositoryRoot(input.dir) ?? (path.relative(io.cwd, input.dir).startsWith('..') ? input.dir : io.cwd);
  const file = output !== undefined ? path.resolve(io.cwd, output) : path.join(root, '.github', 'workflows', `execplan-${planName}.yml`);
  const relative = path.relative(io.cwd, file);
  if (file === input.absolute) throw new UsageError(`-o ${output} is the plan itself; name another file`);
  return {
    root,
    planPath: slash(path.relative(root, input.absolute)),
    file,
    workflowPath: slash(path.relative(root, file)),
    shown: relative === '' || relative.startsWith('..') ? file : relative,
  };
}

/** The repository that is execplan itself runs its own checkout; any other installs this version. */
async function isExecplanItself(root: string): Promise<boolean> {
  return readFile(path.join(root, 'package.json'), 'utf8').then(
    (t) => (JSON.parse(t) as { name?: string }).name === 'execplan',
    () => false,
  );
}

/** Which profile and program each agent task uses (the job installs the program and passes its key). */
function agentsOf(model: LoadedPlan['model'], config: LoadedPlan['config']): Record<string, AgentJobInfo> {
  const profiles = resolveProfiles(config.profiles);
  const agents: Record<string, AgentJobInfo> = {};
  for (const task of model.tasks) {
    if (task.kind !== 'agent') continue;
    const agent = taskAgent(model, task, profiles, config.default_profile ?? defaultProfileName);
    agents[task.id] = { profile: agent.profileName, program: path.basename(agent.profile?.command[0] ?? agent.profileName) };
  }
  return agents;
}

/** `--check`: nothing written; the committed workflow must be what the plan gives now. */
async function checkWorkflow(io: CliIo, planFile: string, where: WorkflowLocation, content: string, command: string): Promise<CommandResult> {
  const onDisk = await readFile(where.file, 'utf8').catch(() => null);
  if (onDisk === content) {
    io.stderr(`${planFile}: ${where.shown} is up to date\n`);
    return ok();
  }
  return err({ kind: 'workflow-stale', planFile, workflow: where.shown, missing: onDisk === null, rerun: command });
}

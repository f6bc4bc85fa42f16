/**
 * execplan export beads [plan.yaml] [-o FILE] [--prefix P] [--import]: the plan as beads issues
 * (DESIGN.md §6), stamped with the current time; --import hands the file to `bd import`.
 */
import path from 'node:path';
import { buildBeadsIssues, renderBeadsJsonl } from '../../compiler/artifacts/beads.js';
import { redactDeep } from '../../compiler/artifacts/redact.js';
import { rfc3339 } from '../../compiler/artifacts/timestamp.js';
import { compilePlan } from '../../compiler/compile.js';
import { ExitCode, exitCodeFor } from '../../compiler/diagnostic.js';
import { parseCommandArgs } from '../args.js';
import { UsageError, type Command } from '../command.js';
import { loadPlanWithConfig, printDiagnostics } from '../plan-input.js';
import { writeOneFile } from '../write-files.js';

export const exportCommand: Command = {
  name: 'export',
  summary: 'Export the plan to another tool: `export beads` writes beads.jsonl (and runs `bd import` with --import)',
  usage: 'execplan export beads [plan.yaml] [-o FILE] [--prefix PREFIX] [--import] [--config FILE]',
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(
      args,
      { output: { type: 'string', short: 'o' }, prefix: { type: 'string' }, import: { type: 'boolean', default: false }, config: { type: 'string' } },
      2,
    );
    const [target, planFile] = positionals;
    if (target !== 'beads') throw new UsageError(target === undefined ? 'name what to export to: beads' : `cannot export to '${target}'; the only target is beads`);
    if (values.prefix !== undefined && !/^[A-Za-z][A-Za-z0-9_-]*$/.test(values.prefix)) throw new UsageError(`--prefix must be letters, digits, '_' or '-', starting with a letter, got '${values.prefix}'`);
    const outcome = await loadPlanWithConfig(io, planFile, {}, values.config);
    if (!outcome.ok) {
      if (outcome.message) io.stderr(`execplan: ${outcome.message}\n`);
      printDiagnostics(io, outcome.diagnostics);
      return outcome.exitCode;
    }
    const { diagnostics, model, input } = outcome.loaded;
    printDiagnostics(io, diagnostics);
    const exitCode = exitCodeFor(diagnostics);
    if (exitCode !== ExitCode.ok || !model) return exitCode === ExitCode.ok ? ExitCode.invalidPlan : exitCode;

    // An export records when it happened (unlike the compiled artifacts, which must be reproducible).
    const issues = buildBeadsIssues(redactDeep(compilePlan(model)), { timestamp: rfc3339(new Date()), prefix: values.prefix });
    const jsonl = renderBeadsJsonl(issues);
    const out = values.output ?? (values.import ? path.join(input.dir, 'beads.jsonl') : undefined);
    if (values.import && out === '-') throw new UsageError('--import needs a file: drop `-o -`');
    if (out === undefined || out === '-') {
      io.stdout(jsonl);
      return ExitCode.ok;
    }
    const file = path.resolve(io.cwd, out);
    const relative = path.relative(io.cwd, file);
    const shown = relative === '' ? '.' : relative.startsWith('..') ? file : relative;
    if (file === input.absolute) throw new UsageError(`-o ${out} is the plan itself; name another file (e.g. beads.jsonl)`);
    const written = await writeOneFile(file, shown, jsonl);
    if (!written.ok) {
      io.stderr(`execplan export: ${written.message}\n`);
      return ExitCode.badArguments;
    }
    io.stderr(`${input.file}: ${issues.length - 1} tasks + 1 epic -> ${shown}\n`);
    if (!values.import) return ExitCode.ok;
    // Loaded only here: execa costs ~100 ms of start-up that no other command needs.
    const { execa } = await import('execa');
    const result = await execa('bd', ['import', '-i', file], { cwd: input.dir, env: io.env, extendEnv: false, reject: false, all: true });
    if (result.exitCode === undefined) {
      // Not started at all: with reject: false execa reports the spawn error on the result.
      const missing = (result as { code?: string }).code === 'ENOENT';
      io.stderr(missing
        ? `execplan: --import needs the beads CLI \`bd\` on PATH (not found); ${shown} was written, import it later with \`bd import -i ${shown}\`\n`
        : `execplan: could not start bd: ${result.shortMessage}\n`);
      return ExitCode.cannotStart;
    }
    if (result.all) io.stderr(result.all.endsWith('\n') ? result.all : `${result.all}\n`);
    if (result.exitCode !== 0) {
      io.stderr(`execplan: bd import failed (exit ${result.exitCode}); ${shown} is kept, run \`bd import -i ${shown}\` yourself\n`);
      return ExitCode.cannotStart;
    }
    io.stderr(`imported into beads with bd import\n`);
    return ExitCode.ok;
  },
};

/** execplan validate [plan.yaml] [--format text|json]: every problem in one run, then the documented exit code. */
import type { Diagnostic } from '../../compiler/diagnostic.js';
import type { PlanInvalid } from '../../compiler/load.js';
import type { FailureOf } from '../../core/failure.js';
import { err, ok } from '../../core/result.js';
import { unreachable } from '../../core/unreachable.js';
import { parseCommandArgs } from '../args.js';
import { UsageError, type CliIo, type Command, type CommandResult } from '../command.js';
import { failureText } from '../failure-text.js';
import { loadPlanWithConfig, printDiagnostics, type LoadPlanFailure } from '../plan-input.js';

type Format = 'text' | 'json';
type LoadFailure = LoadPlanFailure | PlanInvalid;

export const validateCommand: Command = {
  name: 'validate',
  summary: 'Check plan.yaml (syntax, schema, references, cycles, capacities) and print every problem',
  usage: 'execplan validate [plan.yaml] [--format text|json] [--strict] [--config FILE] [--allow-outside PATH]',
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(
      args,
      {
        format: { type: 'string', default: 'text' },
        strict: { type: 'boolean', default: false },
        config: { type: 'string' },
        'allow-outside': { type: 'string', multiple: true },
      },
      1,
    );
    const format = values.format;
    if (format !== 'text' && format !== 'json') throw new UsageError(`--format must be text or json, not '${format}'`);
    const outcome = await loadPlanWithConfig(io, positionals[0], values.strict ? { strict: true } : {}, values.config, { allowOutside: values['allow-outside'] });
    if (!outcome.ok) return reportFailure(io, format, outcome.error);
    const { diagnostics, model, input } = outcome.value;
    report(io, format, diagnostics);
    if (format === 'text') {
      const warnings = diagnostics.length;
      io.stderr(
        `${input.file}: valid (${plural(model.tasks.length, 'task')}, ${plural(model.edges.filter((e) => e.scheduled).length, 'scheduled dependency', 'scheduled dependencies')}${warnings ? `, ${plural(warnings, 'warning')}` : ''})\n`,
      );
    }
    return ok();
  },
};

/** validate's report is every diagnostic, on stdout; the exit code says which kind of error there was. */
function report(io: CliIo, format: Format, list: readonly Diagnostic[]): void {
  if (format === 'json') io.stdout(`${JSON.stringify(list, null, 2)}\n`);
  else printDiagnostics(io, list, 'stdout');
}

/** A plan that does not load: its problems as the report (a file that cannot be read is a plain error in text). */
function reportFailure(io: CliIo, format: Format, failure: LoadFailure): CommandResult {
  switch (failure.kind) {
    case 'plan-unreadable':
    case 'config-missing':
      // A plan or config that cannot be read is an error message; as JSON, one diagnostic at 1:1.
      if (format === 'text') return err(failure);
      io.stdout(`${JSON.stringify([unreadableDiagnostic(io, failure)], null, 2)}\n`);
      return err({ kind: 'validate-failed', cause: failure, file: failure.file, summary: false });
    case 'config-invalid':
      report(io, format, failure.diagnostics);
      return err({ kind: 'validate-failed', cause: failure, file: '', summary: false });
    case 'plan-invalid':
      report(io, format, failure.diagnostics);
      return err({ kind: 'validate-failed', cause: failure, file: failure.file, summary: format === 'text' });
    default:
      return unreachable(failure, 'load failure');
  }
}

function unreadableDiagnostic(io: CliIo, failure: FailureOf<'plan-unreadable' | 'config-missing'>): Diagnostic {
  return {
    file: failure.file,
    line: 1,
    col: 1,
    severity: 'error',
    code: failure.kind === 'config-missing' ? 'no-config' : 'no-plan',
    // The text the user would read, without the `execplan: ` prefix and the newline.
    message: failureText(failure, { ...validateCommand, cwd: io.cwd })
      .replace(/^execplan: /, '')
      .replace(/\n$/, ''),
    path: [],
  };
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

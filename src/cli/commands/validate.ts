/** execplan validate [plan.yaml] [--format text|json]: every problem in one run, then the documented exit code. */
import type { Diagnostic } from '../../compiler/diagnostic.js';
import { err, ok } from '../../core/result.js';
import { unreachable } from '../../core/unreachable.js';
import { parseCommandArgs } from '../args.js';
import { UsageError, type Command } from '../command.js';
import { failureText } from '../failure-text.js';
import { loadPlanWithConfig, printDiagnostics } from '../plan-input.js';

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
    if (values.format !== 'text' && values.format !== 'json') throw new UsageError(`--format must be text or json, not '${values.format}'`);
    const outcome = await loadPlanWithConfig(io, positionals[0], values.strict ? { strict: true } : {}, values.config, { allowOutside: values['allow-outside'] });
    if (!outcome.ok) {
      const failure = outcome.error;
      switch (failure.kind) {
        case 'plan-unreadable':
        case 'config-missing':
          // A plan or config that cannot be read is an error message; as JSON, one diagnostic at 1:1.
          if (values.format === 'text') return outcome;
          io.stdout(
            `${JSON.stringify(
              [
                {
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
                },
              ],
              null,
              2,
            )}\n`,
          );
          break;
        case 'config-invalid':
          report(failure.diagnostics);
          break;
        case 'plan-invalid':
          report(failure.diagnostics);
          if (values.format === 'text') io.stderr(`${failure.file}: ${summary(failure.diagnostics)}\n`);
          break;
        default:
          return unreachable(failure, 'load failure');
      }
      return err({ kind: 'reported', failure });
    }
    const { diagnostics, model, input } = outcome.value;
    report(diagnostics);
    if (values.format === 'text') {
      const warnings = diagnostics.length;
      io.stderr(
        `${input.file}: valid (${plural(model.tasks.length, 'task')}, ${plural(model.edges.filter((e) => e.scheduled).length, 'scheduled dependency', 'scheduled dependencies')}${warnings ? `, ${plural(warnings, 'warning')}` : ''})\n`,
      );
    }
    return ok();

    /** validate's report is every diagnostic, on stdout; the exit code says which kind of error there was. */
    function report(list: readonly Diagnostic[]): void {
      if (values.format === 'json') io.stdout(`${JSON.stringify(list, null, 2)}\n`);
      else printDiagnostics(io, list, 'stdout');
    }
  },
};

/** "2 errors, 1 warning" */
function summary(diagnostics: readonly Diagnostic[]): string {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.length - errors;
  return `${plural(errors, 'error')}${warnings ? `, ${plural(warnings, 'warning')}` : ''}`;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

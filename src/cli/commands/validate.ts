/** execplan validate [plan.yaml] [--format text|json]: every problem in one run, then the documented exit code. */
import { hasErrors } from '../../compiler/diagnostic.js';
import { err, ok } from '../../core/result.js';
import { parseCommandArgs } from '../args.js';
import { UsageError, type Command } from '../command.js';
import { failureText } from '../failure-text.js';
import { loadPlanWithConfig, printDiagnostics } from '../plan-input.js';

export const validateCommand: Command = {
  name: 'validate',
  summary: 'Check plan.yaml (syntax, schema, references, cycles, capacities) and print every problem',
  usage: 'execplan validate [plan.yaml] [--format text|json] [--config FILE]',
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, { format: { type: 'string', default: 'text' }, config: { type: 'string' } }, 1);
    if (values.format !== 'text' && values.format !== 'json') throw new UsageError(`--format must be text or json, not '${values.format}'`);
    const outcome = await loadPlanWithConfig(io, positionals[0], {}, values.config);
    if (!outcome.ok) {
      const failure = outcome.error;
      if (values.format === 'text') {
        // validate's report is its diagnostics, on stdout; a plan that cannot be read is an error message.
        if (failure.kind !== 'config-invalid') return outcome;
        printDiagnostics(io, failure.diagnostics, 'stdout');
        return err({ kind: 'reported', failure });
      }
      const diagnostics = failure.kind === 'config-invalid' ? failure.diagnostics : [{
        file: failure.file,
        line: 1,
        col: 1,
        severity: 'error',
        code: failure.kind === 'config-missing' ? 'no-config' : 'no-plan',
        // The text the user would read, without the `execplan: ` prefix and the newline.
        message: failureText(failure, validateCommand).replace(/^execplan: /, '').replace(/\n$/, ''),
        path: [],
      }];
      io.stdout(`${JSON.stringify(diagnostics, null, 2)}\n`);
      return err({ kind: 'reported', failure });
    }
    const { diagnostics, model, input } = outcome.value;
    const invalid = hasErrors(diagnostics);
    // The exit code says which kind of error (cycle, resource conflict, invalid plan); the report is printed here.
    const result = invalid ? err({ kind: 'reported' as const, failure: { kind: 'plan-invalid' as const, diagnostics } }) : ok();
    if (values.format === 'json') {
      io.stdout(`${JSON.stringify(diagnostics, null, 2)}\n`);
      return result;
    }
    printDiagnostics(io, diagnostics, 'stdout');
    const errors = diagnostics.filter((d) => d.severity === 'error').length;
    const warnings = diagnostics.length - errors;
    if (!invalid && model) {
      io.stderr(`${input.file}: valid (${plural(model.tasks.length, 'task')}, ${plural(model.edges.filter((e) => e.scheduled).length, 'scheduled dependency', 'scheduled dependencies')}${warnings ? `, ${warnings} warning${warnings === 1 ? '' : 's'}` : ''})\n`);
    } else {
      io.stderr(`${input.file}: ${errors} error${errors === 1 ? '' : 's'}${warnings ? `, ${warnings} warning${warnings === 1 ? '' : 's'}` : ''}\n`);
    }
    return result;
  },
};

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

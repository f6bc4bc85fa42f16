/** execplan validate [plan.yaml] [--format text|json]: every problem in one run, then the documented exit code. */
import { ExitCode, exitCodeFor } from '../../compiler/diagnostic.js';
import { parseCommandArgs } from '../args.js';
import { UsageError, type Command } from '../command.js';
import { loadPlanWithConfig, printDiagnostics } from '../plan-input.js';

export const validateCommand: Command = {
  name: 'validate',
  summary: 'Check plan.yaml (syntax, schema, references, cycles, capacities) and print every problem',
  usage: 'execplan validate [plan.yaml] [--format text|json] [--strict] [--config FILE]',
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, { format: { type: 'string', default: 'text' }, strict: { type: 'boolean', default: false }, config: { type: 'string' } }, 1);
    if (values.format !== 'text' && values.format !== 'json') throw new UsageError(`--format must be text or json, not '${values.format}'`);
    const outcome = await loadPlanWithConfig(io, positionals[0], values.strict ? { strict: true } : {}, values.config);
    if (!outcome.ok) {
      if (values.format === 'json') io.stdout(`${JSON.stringify(outcome.diagnostics.length ? outcome.diagnostics : [{ file: outcome.file ?? positionals[0] ?? 'plan.yaml', line: 1, col: 1, severity: 'error', code: outcome.code ?? 'no-plan', message: outcome.message ?? 'cannot read the plan', path: [] }], null, 2)}\n`);
      else if (outcome.message) io.stderr(`execplan: ${outcome.message}\n`);
      else printDiagnostics(io, outcome.diagnostics, 'stdout');
      return outcome.exitCode;
    }
    const { diagnostics, model, input } = outcome.loaded;
    const exitCode = exitCodeFor(diagnostics);
    if (values.format === 'json') {
      io.stdout(`${JSON.stringify(diagnostics, null, 2)}\n`);
      return exitCode;
    }
    printDiagnostics(io, diagnostics, 'stdout');
    const errors = diagnostics.filter((d) => d.severity === 'error').length;
    const warnings = diagnostics.length - errors;
    if (exitCode === ExitCode.ok && model) {
      io.stderr(`${input.file}: valid (${plural(model.tasks.length, 'task')}, ${plural(model.edges.filter((e) => e.scheduled).length, 'scheduled dependency', 'scheduled dependencies')}${warnings ? `, ${warnings} warning${warnings === 1 ? '' : 's'}` : ''})\n`);
    } else {
      io.stderr(`${input.file}: ${errors} error${errors === 1 ? '' : 's'}${warnings ? `, ${warnings} warning${warnings === 1 ? '' : 's'}` : ''}\n`);
    }
    return exitCode;
  },
};

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * execplan import <file> [--format F] [-o plan.yaml] [--force]: a plan from another tool's format
 * (spec-kit tasks.md, Task Master tasks.json, a markdown execution plan, beads JSONL), written as a
 * commented plan.yaml that validates, with a report of what could not be mapped. See docs/editing.md.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Failure } from '../../core/failure.js';
import { err, ok, type Result } from '../../core/result.js';
import { loadDiagnostics } from '../../compiler/load.js';
import { detectFormat, importFormats, renderImportedPlan, runImporter, type ImportFormat, type ImportOutput } from '../../importers/index.js';
import { parseCommandArgs } from '../args.js';
import { UsageError, type CliIo, type Command } from '../command.js';
import { loadConfig } from '../config.js';
import { validatePlanText } from '../plan-input.js';
import { writeOneFile } from '../write-files.js';
import { schemaRef } from './init.js';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export const importCommand: Command = {
  name: 'import',
  summary: 'Turn a spec-kit tasks.md, Task Master tasks.json, markdown execution plan or beads JSONL into plan.yaml',
  usage: 'execplan import <file> [--format spec-kit|taskmaster|markdown|beads] [-o plan.yaml|-] [--force] [--tag TAG]',
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(
      args,
      {
        format: { type: 'string' },
        output: { type: 'string', short: 'o', default: 'plan.yaml' },
        force: { type: 'boolean', default: false },
        tag: { type: 'string' },
      },
      1,
    );
    const source = positionals[0];
    if (source === undefined) throw new UsageError('name the file to import, e.g. execplan import specs/001-feature/tasks.md');
    if (values.format !== undefined && !importFormats.includes(values.format as ImportFormat))
      throw new UsageError(`--format must be one of ${importFormats.join(', ')}, not '${values.format}'`);
    const absolute = path.resolve(io.cwd, source);
    const read = await readSource(absolute, source);
    if (!read.ok) return read;
    const text = read.value;
    const format = formatOf(io, source, text, values.format as ImportFormat | undefined);
    if (!format.ok) return format;
    const toStdout = values.output === '-';
    const outAbsolute = toStdout ? path.join(io.cwd, 'plan.yaml') : path.resolve(io.cwd, values.output);
    if (!toStdout && !values.force && (await exists(outAbsolute)))
      return err({ kind: 'input-unusable', message: `${values.output} already exists; nothing written (pass --force to overwrite it, or -o another file)` });
    const result = runImporter(format.value, source, text, { tag: values.tag });
    if (!result.ok) return err({ kind: 'import-unreadable', source, format: format.value, diagnostics: result.diagnostics });
    const { output } = result;
    const outDir = path.dirname(outAbsolute);
    const spec = await specOf(format.value, absolute, outDir);
    if (spec !== null) output.plan.spec = spec;
    const planText = renderImportedPlan(output, {
      file: path.relative(io.cwd, absolute).split(path.sep).join('/') || source,
      format: format.value,
      schema: await schemaRef(outDir),
    });
    const shownOut = toStdout ? 'plan.yaml' : values.output;
    const { config } = await loadConfig(outDir);
    const diagnostics = loadDiagnostics(await validatePlanText(shownOut, planText, outDir, config));
    const errors = diagnostics.filter((d) => d.severity === 'error');
    if (errors.length) return err({ kind: 'import-invalid', diagnostics: errors });
    if (toStdout) io.stdout(planText);
    else {
      const written = await writeOneFile(outAbsolute, shownOut, planText);
      if (!written.ok) return written;
    }
    io.stderr(importReport(output, source, toStdout ? null : shownOut, shownOut, diagnostics.length - errors.length));
    return ok();
  },
};

const exists = (file: string) =>
  stat(file).then(
    () => true,
    () => false,
  );

async function readSource(absolute: string, source: string): Promise<Result<string, Failure>> {
  try {
    return ok(await readFile(absolute, 'utf8'));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return err({
      kind: 'input-unusable',
      message: `${source}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory; name the file to import' : `cannot read it (${code})`}`,
    });
  }
}

/** The format asked for, or the one the content shows (said on stderr). */
function formatOf(io: CliIo, source: string, text: string, asked: ImportFormat | undefined): Result<ImportFormat, Failure> {
  if (asked !== undefined) return ok(asked);
  const detected = detectFormat(source, text);
  if (!detected.ok) return err({ kind: 'input-unusable', message: `${source}: ${detected.message}; pass --format ${importFormats.join('|')}` });
  io.stderr(`${source}: read as ${detected.format} (${detected.why})\n`);
  return ok(detected.format);
}

/** Agents receive the spec in full: a markdown plan is its own spec; spec-kit keeps spec.md beside tasks.md. */
async function specOf(format: ImportFormat, absolute: string, outDir: string): Promise<string | null> {
  const relative = (file: string) => path.relative(outDir, file).split(path.sep).join('/') || path.basename(file);
  if (format === 'markdown') return relative(absolute);
  if (format !== 'spec-kit') return null;
  const specMd = path.join(path.dirname(absolute), 'spec.md');
  const isFile = await stat(specMd).then(
    (s) => s.isFile(),
    () => false,
  );
  return isFile ? relative(specMd) : null;
}

/** What was written, what was already done in the source, and what could not be mapped. */
function importReport(output: ImportOutput, source: string, written: string | null, shownOut: string, warnings: number): string {
  const { plan } = output;
  const report: string[] = [
    `${written === null ? 'imported' : `wrote ${written}`}: ${plan.tasks.length} task${plan.tasks.length === 1 ? '' : 's'}${plan.phases ? `, ${plural(plan.phases.length, 'phase')}` : ''}${plan.streams ? `, ${plural(Object.keys(plan.streams).length, 'stream')}` : ''}, ${plan.tasks.reduce((n, t) => n + (t.needs?.length ?? 0), 0)} dependencies; valid${warnings ? ` with ${warnings} warning${warnings === 1 ? '' : 's'} (execplan validate ${shownOut})` : ''}`,
  ];
  if (output.done.length)
    report.push(`already done in the source: ${output.done.join(', ')} (kept, marked with a comment; record each with \`execplan done <id> --reason "done before import"\`)`);
  if (output.notes.length) {
    report.push('not mapped:');
    for (const note of output.notes) report.push(`  ${note.line !== undefined ? `${source}:${note.line}: ` : ''}${note.message}`);
  }
  return `${report.join('\n')}\n`;
}

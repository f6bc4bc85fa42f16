/**
 * execplan import <file> [--format F] [-o plan.yaml] [--force]: a plan from another tool's format
 * (spec-kit tasks.md, Task Master tasks.json, a markdown execution plan, beads JSONL), written as a
 * commented plan.yaml that validates, with a report of what could not be mapped. See docs/editing.md.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { err, ok } from '../../core/result.js';
import { loadDiagnostics } from '../../compiler/load.js';
import { detectFormat, importFormats, renderImportedPlan, runImporter, type ImportFormat } from '../../importers/index.js';
import { parseCommandArgs } from '../args.js';
import { UsageError, type Command } from '../command.js';
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
    let text: string;
    try {
      text = await readFile(absolute, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      return err({
        kind: 'input-unusable',
        message: `${source}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory; name the file to import' : `cannot read it (${code})`}`,
      });
    }
    let format = values.format as ImportFormat | undefined;
    if (format === undefined) {
      const detected = detectFormat(source, text);
      if (!detected.ok) {
        return err({ kind: 'input-unusable', message: `${source}: ${detected.message}; pass --format ${importFormats.join('|')}` });
      }
      format = detected.format;
      io.stderr(`${source}: read as ${format} (${detected.why})\n`);
    }
    const toStdout = values.output === '-';
    const outAbsolute = toStdout ? path.join(io.cwd, 'plan.yaml') : path.resolve(io.cwd, values.output);
    if (
      !toStdout &&
      !values.force &&
      (await stat(outAbsolute).then(
        () => true,
        () => false,
      ))
    ) {
      return err({ kind: 'input-unusable', message: `${values.output} already exists; nothing written (pass --force to overwrite it, or -o another file)` });
    }
    const result = runImporter(format, source, text, { tag: values.tag });
    if (!result.ok) return err({ kind: 'import-unreadable', source, format, diagnostics: result.diagnostics });
    const { output } = result;
    const outDir = path.dirname(outAbsolute);
    const relative = (file: string) => path.relative(outDir, file).split(path.sep).join('/') || path.basename(file);
    // Agents receive the spec in full: a markdown plan is its own spec; spec-kit keeps spec.md beside tasks.md.
    if (format === 'markdown') output.plan.spec = relative(absolute);
    if (format === 'spec-kit') {
      const specMd = path.join(path.dirname(absolute), 'spec.md');
      if (
        await stat(specMd).then(
          (s) => s.isFile(),
          () => false,
        )
      )
        output.plan.spec = relative(specMd);
    }
    const planText = renderImportedPlan(output, { file: path.relative(io.cwd, absolute).split(path.sep).join('/') || source, format, schema: await schemaRef(outDir) });
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
    const warnings = diagnostics.length - errors.length;
    const report: string[] = [
      `${toStdout ? 'imported' : `wrote ${shownOut}`}: ${output.plan.tasks.length} task${output.plan.tasks.length === 1 ? '' : 's'}${output.plan.phases ? `, ${plural(output.plan.phases.length, 'phase')}` : ''}${output.plan.streams ? `, ${plural(Object.keys(output.plan.streams).length, 'stream')}` : ''}, ${output.plan.tasks.reduce((n, t) => n + (t.needs?.length ?? 0), 0)} dependencies; valid${warnings ? ` with ${warnings} warning${warnings === 1 ? '' : 's'} (execplan validate ${shownOut})` : ''}`,
    ];
    if (output.done.length)
      report.push(`already done in the source: ${output.done.join(', ')} (kept, marked with a comment; record each with \`execplan done <id> --reason "done before import"\`)`);
    if (output.notes.length) {
      report.push('not mapped:');
      for (const note of output.notes) report.push(`  ${note.line !== undefined ? `${source}:${note.line}: ` : ''}${note.message}`);
    }
    io.stderr(`${report.join('\n')}\n`);
    return ok();
  },
};

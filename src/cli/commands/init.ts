/** execplan init [DIR] [--force]: a starter plan.yaml (with the schema modeline) and execplan.config.yaml. */
import { access, readFile } from 'node:fs/promises';
import path from 'node:path';
import { err, ok } from '../../core/result.js';
import { parseCommandArgs } from '../args.js';
import type { Command } from '../command.js';
import { templatePath } from '../../paths.js';
import { writeFilesAtomically } from '../write-files.js';

const starterFiles = ['plan.yaml', 'execplan.config.yaml'] as const;

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}

const defaultSchemaRef = './node_modules/execplan/schema/plan.schema.json';

/**
 * The modeline's schema path, relative to the plan: execplan's schema in the node_modules of the
 * project that holds DIR (the nearest folder up with a package.json), else DIR's own node_modules.
 */
export async function schemaRef(dir: string): Promise<string> {
  for (let cursor = dir; ; cursor = path.dirname(cursor)) {
    if (await exists(path.join(cursor, 'package.json'))) {
      const relative = path.relative(dir, cursor).split(path.sep).join('/');
      return relative === '' ? defaultSchemaRef : `${relative}/node_modules/execplan/schema/plan.schema.json`;
    }
    if (path.dirname(cursor) === cursor) return defaultSchemaRef;
  }
}

export const initCommand: Command = {
  name: 'init',
  summary: 'Write a starter plan.yaml and execplan.config.yaml (never overwrites without --force)',
  usage: 'execplan init [DIR] [--force]',
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, { force: { type: 'boolean', default: false } }, 1);
    const dir = path.resolve(io.cwd, positionals[0] ?? '.');
    const shown = (name: string) => path.relative(io.cwd, path.join(dir, name)) || name;
    if (!values.force) {
      const present = [];
      for (const name of starterFiles) if (await exists(path.join(dir, name))) present.push(shown(name));
      if (present.length > 0) {
        // Nothing is written, so a half-initialised directory never happens.
        return err({ kind: 'input-unusable', message: `${present.join(' and ')} already exist${present.length === 1 ? 's' : ''}; nothing written (use --force to overwrite)` });
      }
    }
    const files: Record<string, string> = {};
    for (const name of starterFiles) files[name] = await readFile(templatePath('init', name), 'utf8');
    files['plan.yaml'] = files['plan.yaml']!.replace(defaultSchemaRef, await schemaRef(dir));
    const written = await writeFilesAtomically(dir, path.relative(io.cwd, dir) || '.', files);
    if (!written.ok) return written;
    for (const name of starterFiles) io.stdout(`wrote ${shown(name)}\n`);
    const planArg = positionals[0] ? ` ${shown('plan.yaml')}` : '';
    io.stdout(`next: edit ${shown('plan.yaml')}, then run \`execplan validate${planArg}\`\n`);
    return ok();
  },
};

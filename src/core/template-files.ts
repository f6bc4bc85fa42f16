/**
 * The one loader of template files: the templates this package ships in templates/ (read once per process;
 * they are part of the program) and a user's own template named in the config (read each time, with a
 * one-line reason when it cannot be read). Rendering is src/core/templates.ts.
 */
import { readFileSync } from 'node:fs';
import { templatePath } from '../paths.js';

const packaged = new Map<string, string>();

/** The path of a template shipped in templates/ (e.g. `Plan.md.njk`). */
export function packagedTemplatePath(name: string): string {
  return templatePath(name);
}

/** The text of a template shipped in templates/; throws when the package is broken (the file is missing). */
export function readPackagedTemplate(name: string): string {
  let text = packaged.get(name);
  if (text === undefined) {
    text = readFileSync(packagedTemplatePath(name), 'utf8');
    packaged.set(name, text);
  }
  return text;
}

export type TemplateFile = { ok: true; text: string; path: string } | { ok: false; message: string };

/** A template file named by the user (or the packaged `fallback` when `file` is null). */
export function readTemplateFile(file: string | null, fallback: string, what: string): TemplateFile {
  const chosen = file ?? packagedTemplatePath(fallback);
  try {
    return { ok: true, text: file === null ? readPackagedTemplate(fallback) : readFileSync(chosen, 'utf8'), path: chosen };
  } catch (error) {
    return { ok: false, message: `cannot read ${what} ${chosen}: ${(error as NodeJS.ErrnoException).code ?? String(error)}` };
  }
}

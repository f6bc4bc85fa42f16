/**
 * Reads the repository for the inventory that plan-writing prompts carry (src/authoring/inventory.ts
 * formats it). Files come from git when the folder is a work tree (so .gitignore'd build output and
 * dependencies stay out), else from a walk that skips dot-folders and the usual build folders. Exported
 * symbols of TypeScript and JavaScript sources come from @ast-grep/napi's syntax trees, read within fixed
 * limits so a huge repository costs a bounded, small time.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, lstatSync, openSync, readdirSync, readSync } from 'node:fs';
import path from 'node:path';
import { folderTree, type ExportedSymbol, type RepositoryInventory, type SourceSymbols, type SymbolKind } from '../authoring/inventory.js';

export const inventoryReadLimits = {
  /** Files listed at most (a walk stops there; git's list is cut there). */
  files: 20_000,
  /** Source files parsed at most: the first ones in path order. */
  sources: 400,
  /** A source file larger than this is generated or vendored: not parsed. */
  sourceBytes: 256 * 1024,
} as const;

const SKIPPED_FOLDERS = new Set(['node_modules', 'dist', 'build', 'out', 'target', 'vendor', 'coverage', '__pycache__', 'tasks_output']);

type Language = 'TypeScript' | 'Tsx' | 'JavaScript';

function languageOf(file: string): Language | undefined {
  if (/\.d\.ts$/.test(file)) return undefined;
  if (/\.(ts|mts|cts)$/.test(file)) return 'TypeScript';
  if (/\.tsx$/.test(file)) return 'Tsx';
  if (/\.(js|mjs|cjs|jsx)$/.test(file)) return 'JavaScript';
  return undefined;
}

function gitFiles(root: string): string[] | undefined {
  const listed = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (listed.status !== 0 || typeof listed.stdout !== 'string') return undefined;
  return listed.stdout.split('\0').filter((f) => f !== '');
}

function walkFiles(root: string): string[] {
  const out: string[] = [];
  const visit = (rel: string): void => {
    if (out.length >= inventoryReadLimits.files) return;
    let entries;
    try {
      entries = readdirSync(path.join(root, rel), { withFileTypes: true });
    } catch {
      return; // unreadable folder: the inventory is a hint, not a contract
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const child = rel === '' ? entry.name : `${rel}/${entry.name}`;
      // Links are not followed: a link to / must not turn the inventory into a disk scan.
      if (entry.isDirectory()) {
        if (!entry.name.startsWith('.') && !SKIPPED_FOLDERS.has(entry.name)) visit(child);
      } else if (entry.isFile()) out.push(child);
      if (out.length >= inventoryReadLimits.files) return;
    }
  };
  visit('');
  return out;
}

function readSmallFile(file: string): string | undefined {
  try {
    const stat = lstatSync(file);
    if (!stat.isFile() || stat.size > inventoryReadLimits.sourceBytes) return undefined;
    const fd = openSync(file, 'r');
    try {
      const buffer = Buffer.alloc(stat.size);
      const n = readSync(fd, buffer, 0, stat.size, 0);
      return buffer.subarray(0, n).toString('utf8');
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined;
  }
}

type AstGrep = typeof import('@ast-grep/napi');

async function loadAstGrep(): Promise<AstGrep | undefined> {
  try {
    return await import('@ast-grep/napi');
  } catch {
    return undefined; // no prebuilt binary for this platform: the tree alone still helps
  }
}

const KIND_OF_DECLARATION: Readonly<Record<string, SymbolKind>> = {
  class_declaration: 'class',
  abstract_class_declaration: 'abstract class',
  interface_declaration: 'interface',
  function_declaration: 'function',
  generator_function_declaration: 'function',
  type_alias_declaration: 'type',
  enum_declaration: 'enum',
};

/** Exported declarations and extended/implemented names of one source file. */
export function symbolsOf(astGrep: AstGrep, language: Language, text: string): { exports: ExportedSymbol[]; extends: string[] } {
  const root = astGrep.parse(astGrep.Lang[language], text).root();
  const exports: ExportedSymbol[] = [];
  for (const statement of root.findAll({ rule: { kind: 'export_statement' } })) {
    const declaration = statement.field('declaration');
    if (!declaration) continue;
    const kind = KIND_OF_DECLARATION[declaration.kind()];
    if (kind !== undefined) {
      const name = declaration.field('name')?.text();
      if (name) exports.push({ name, kind });
      continue;
    }
    if (declaration.kind() === 'lexical_declaration') {
      // Direct declarators only: `findAll` would also return the locals inside an exported arrow function.
      for (const declarator of declaration.children().filter((c) => c.kind() === 'variable_declarator')) {
        const name = declarator.field('name');
        if (name?.kind() === 'identifier') exports.push({ name: name.text(), kind: 'const' });
      }
    }
  }
  const bases = new Set<string>();
  // The grammars name the clause differently: TypeScript splits extends/implements, JavaScript has one heritage.
  const clauses = language === 'JavaScript' ? ['class_heritage'] : ['extends_clause', 'implements_clause', 'extends_type_clause'];
  for (const clause of root.findAll({ rule: { any: clauses.map((kind) => ({ kind })) } })) {
    for (const child of clause.children()) {
      const kind = child.kind();
      if (kind === 'identifier' || kind === 'type_identifier' || kind === 'member_expression' || kind === 'generic_type') {
        bases.add(child.text().replace(/<.*$/s, ''));
      }
    }
  }
  return { exports, extends: [...bases].sort() };
}

/** The inventory of the repository at `root` (callers pass projectRoot(...): the git root, else the folder). */
export async function readInventory(root: string): Promise<RepositoryInventory> {
  const notes: string[] = [];
  const listed = gitFiles(root) ?? walkFiles(root);
  const files = listed.slice(0, inventoryReadLimits.files).sort();
  if (listed.length > files.length) notes.push(`only the first ${files.length} of ${listed.length} files are listed`);
  const candidates = files.filter((f) => languageOf(f) !== undefined);
  const sources: SourceSymbols[] = [];
  const astGrep = candidates.length > 0 ? await loadAstGrep() : undefined;
  if (candidates.length > 0 && !astGrep) notes.push('exported symbols are missing: @ast-grep/napi has no binary for this platform');
  if (astGrep) {
    if (candidates.length > inventoryReadLimits.sources) notes.push(`exports are read from the first ${inventoryReadLimits.sources} of ${candidates.length} source files`);
    let skipped = 0;
    for (const file of candidates.slice(0, inventoryReadLimits.sources)) {
      const text = readSmallFile(path.join(root, file));
      if (text === undefined) {
        skipped++;
        continue;
      }
      let found;
      try {
        found = symbolsOf(astGrep, languageOf(file)!, text);
      } catch {
        skipped++; // a file the parser cannot take must not cost the whole prompt
        continue;
      }
      if (found.exports.length > 0 || found.extends.length > 0) sources.push({ file, ...found });
    }
    if (skipped > 0)
      notes.push(`${skipped} source file${skipped === 1 ? ' was' : 's were'} not read (larger than ${inventoryReadLimits.sourceBytes / 1024} KiB, unreadable or not parsed)`);
  }
  return { fileCount: files.length, tree: folderTree(files), sources, notes };
}

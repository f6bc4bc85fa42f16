/**
 * A short inventory of the repository a plan is written for: its folder tree and what its source files
 * export. `execplan draft`, `assess` and `prompt` put it in front of the agent so that the plan extends
 * the modules that exist instead of inventing parallel ones. Pure: the file list and the symbols come in
 * (src/project/inventory.ts reads them), the text goes out, sorted, so the same repository gives the same
 * prompt on any machine.
 */

export type SymbolKind = 'class' | 'abstract class' | 'interface' | 'function' | 'type' | 'enum' | 'const';

export interface ExportedSymbol {
  name: string;
  kind: SymbolKind;
}

export interface SourceSymbols {
  /** Repository-relative path with `/` separators. */
  file: string;
  exports: ExportedSymbol[];
  /** Names this file's classes extend or implement: the repository's extension points. */
  extends: string[];
}

export interface RepositoryInventory {
  /** Every file counted (tracked and untracked-but-not-ignored in git; else a walk without build folders). */
  fileCount: number;
  /** Folders (two levels) with the number of files below each, and the files at the top level. */
  tree: string[];
  sources: SourceSymbols[];
  /** Why the inventory is partial, when it is: too many files, a source too large, no parser. */
  notes: string[];
}

/** Limits that keep the inventory a few kilobytes of prompt however big the repository is. */
export const inventoryLimits = {
  treeLines: 60,
  symbolLines: 80,
  symbolsPerFile: 12,
} as const;

/** `src/ (42 files)` lines for the first two folder levels, plus the top-level files. */
export function folderTree(files: readonly string[]): string[] {
  const counts = new Map<string, number>();
  const topFiles: string[] = [];
  for (const file of files) {
    const parts = file.split('/');
    if (parts.length === 1) {
      topFiles.push(file);
      continue;
    }
    counts.set(`${parts[0]}/`, (counts.get(`${parts[0]}/`) ?? 0) + 1);
    if (parts.length > 2) counts.set(`${parts[0]}/${parts[1]}/`, (counts.get(`${parts[0]}/${parts[1]}/`) ?? 0) + 1);
  }
  const folders = [...counts.keys()].sort();
  const lines = folders.map((folder) => {
    const depth = folder.split('/').length - 2;
    const n = counts.get(folder)!;
    return `${'  '.repeat(depth)}${folder} (${n} file${n === 1 ? '' : 's'})`;
  });
  return [...lines, ...topFiles.sort()];
}

/**
 * The repository's own names other code builds on: exported here and extended or implemented by some class,
 * or abstract. Bases from outside (Error, a library's class) are not the repository's to offer.
 */
export function extensionPoints(sources: readonly SourceSymbols[]): string[] {
  const exported = new Set(sources.flatMap((s) => s.exports.map((e) => e.name)));
  const names = new Set<string>();
  for (const source of sources) {
    for (const name of source.extends) if (exported.has(name)) names.add(name);
    for (const symbol of source.exports) if (symbol.kind === 'abstract class') names.add(symbol.name);
  }
  return [...names].sort();
}

/** The inventory as the Markdown the prompts embed (deterministic; truncated with a count). */
export function formatInventory(inventory: RepositoryInventory): string {
  const out: string[] = [];
  const tree = inventory.tree.slice(0, inventoryLimits.treeLines);
  out.push(`${inventory.fileCount} files.`, '', '```text', ...tree);
  if (inventory.tree.length > tree.length) out.push(`... and ${inventory.tree.length - tree.length} more entries`);
  out.push('```');
  const withExports = inventory.sources.filter((s) => s.exports.length > 0);
  if (withExports.length > 0) {
    out.push('', 'Exported symbols (file: kind name):', '');
    const lines = withExports.map((s) => {
      const shown = s.exports.slice(0, inventoryLimits.symbolsPerFile).map((e) => `${e.kind} ${e.name}`);
      const more = s.exports.length - shown.length;
      return `- ${s.file}: ${shown.join(', ')}${more > 0 ? `, and ${more} more` : ''}`;
    });
    out.push(...lines.slice(0, inventoryLimits.symbolLines));
    if (lines.length > inventoryLimits.symbolLines) out.push(`- ... and ${lines.length - inventoryLimits.symbolLines} more files with exports`);
  }
  const points = extensionPoints(inventory.sources);
  if (points.length > 0) out.push('', `Extension points (classes and interfaces other code extends or implements): ${points.join(', ')}.`);
  for (const note of inventory.notes) out.push('', `Note: ${note}`);
  return out.join('\n');
}

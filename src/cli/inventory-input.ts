/**
 * The repository inventory for a plan-writing prompt (draft, assess, prompt): read from the project around
 * `dir` unless the user turned it off with --no-inventory. An empty folder has nothing to extend, so it
 * gets no inventory section at all.
 */
import { formatInventory } from '../authoring/inventory.js';
import { projectRoot } from '../project/files.js';
import { readInventory } from '../project/inventory.js';

export const inventoryOption = { 'no-inventory': { type: 'boolean', default: false } } as const;

export async function inventoryText(dir: string, disabled: boolean | undefined): Promise<string | undefined> {
  if (disabled) return undefined;
  const inventory = await readInventory(projectRoot(dir));
  return inventory.fileCount === 0 ? undefined : formatInventory(inventory);
}

/** Acceptance criteria and checks as text (beads, Plan.md) and as seed-004 acceptance_checks objects. */
import type { AcceptanceCheck } from '../../types/plan.js';

export function describeCheck(check: AcceptanceCheck): string {
  if (typeof check === 'string') return check;
  if ('run' in check) return `\`${check.run}\` exits 0${check.description ? ` (${check.description})` : ''}`;
  return `\`${check.file}\` exists${check.contains !== undefined ? ` and contains "${check.contains}"` : ''}${check.description ? ` (${check.description})` : ''}`;
}

export type AcceptanceCheckJson =
  | { type: 'criterion'; text: string }
  | { type: 'command'; cmd: string; description: string | null; expect: { exitCode: 0 } }
  | { type: 'artifact'; path: string; description: string | null; expect: { exists: true; contains: string | null } };

/** Built with the keys in sorted order, the order tasks.json prints them in (so the printer need not copy them). */
export function checkJson(check: AcceptanceCheck): AcceptanceCheckJson {
  if (typeof check === 'string') return { text: check, type: 'criterion' };
  if ('run' in check) return { cmd: check.run, description: check.description ?? null, expect: { exitCode: 0 }, type: 'command' };
  return { description: check.description ?? null, expect: { contains: check.contains ?? null, exists: true }, path: check.file, type: 'artifact' };
}

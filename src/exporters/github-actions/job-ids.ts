/**
 * Job ids from task ids. GitHub accepts `[A-Za-z_][A-Za-z0-9_-]*` and compares ids without regard to
 * case; task ids may also hold '.' and start with a digit. So '.' becomes '_', a leading digit gets a
 * 't' in front, and ids that still collide (with each other, case-insensitively, or with a reserved job)
 * all get a short hash of their task id appended: the same task always gets the same job id.
 */
import { createHash } from 'node:crypto';

const hash = (text: string, length: number) => createHash('sha256').update(text).digest('hex').slice(0, length);

export function jobIds(taskIds: readonly string[], reserved: readonly string[]): Map<string, string> {
  const base = new Map(taskIds.map((id) => [id, (/^[A-Za-z_]/.test(id) ? id : `t${id}`).replace(/[^A-Za-z0-9_-]/g, '_')]));
  const count = new Map<string, number>(reserved.map((r) => [r.toLowerCase(), 1]));
  for (const b of base.values()) count.set(b.toLowerCase(), (count.get(b.toLowerCase()) ?? 0) + 1);
  const out = new Map<string, string>();
  const taken = new Set(reserved.map((r) => r.toLowerCase()));
  for (const id of taskIds) if ((count.get(base.get(id)!.toLowerCase()) ?? 0) === 1) taken.add(base.get(id)!.toLowerCase());
  for (const id of taskIds) {
    const b = base.get(id)!;
    if (count.get(b.toLowerCase()) === 1) {
      out.set(id, b);
      continue;
    }
    let length = 6;
    let candidate = `${b}-${hash(id, length)}`;
    while (taken.has(candidate.toLowerCase()) && length < 64) candidate = `${b}-${hash(id, ++length)}`;
    taken.add(candidate.toLowerCase());
    out.set(id, candidate);
  }
  return out;
}

/**
 * Sizes as people write them in plans and configs ("2GiB", "512 MiB", "1.5GB") and as the CLI prints
 * them. Shared by the compiler (per-task memory hints) and the runner (backpressure).
 */

const UNITS: Record<string, number> = { B: 1, KB: 1e3, MB: 1e6, GB: 1e9, TB: 1e12, KIB: 1024, MIB: 1024 ** 2, GIB: 1024 ** 3, TIB: 1024 ** 4 };

/** "2GiB", "512 MiB", "1.5GB", "1048576" -> bytes; null when it is not a size. */
export function parseBytes(text: string | number): number | null {
  if (typeof text === 'number') return Number.isFinite(text) && text >= 0 ? text : null;
  const m = /^\s*([0-9]+(?:\.[0-9]+)?)\s*([KMGT]i?B|B)?\s*$/i.exec(text);
  if (!m) return null;
  return Math.round(Number(m[1]) * (UNITS[(m[2] ?? 'B').toUpperCase()] ?? 1));
}

/** "1.2 GiB" */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(1).replace(/\.0$/, '')} GiB`;
  return `${Math.round(bytes / 1024 ** 2)} MiB`;
}

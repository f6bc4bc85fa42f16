/** The per-run record in `<state>/runs/<runId>.json`: how each selected task's attempts in this run ended. */
import { writeFileAtomic } from '../core/atomic-write.js';
import { mkdirPrivate } from './state-fs.js';
import path from 'node:path';
import type { RunOutcome } from './records.js';
import type { TaskState } from './state.js';

export interface RunSummaryInput {
  runId: string;
  startMs: number;
  durationMs: number;
  exitCode: number;
  outcome: RunOutcome;
  concurrency: number;
  selected: Iterable<string>;
  tasks: Record<string, TaskState>;
}

export function writeRunSummary(runsDir: string, run: RunSummaryInput): void {
  const tasks: Record<string, unknown> = {};
  for (const id of [...run.selected].sort()) {
    const s = run.tasks[id];
    const attempts = (s?.attempts ?? [])
      .filter((a) => a.runId === run.runId)
      .map((a) => ({ attempt: a.n, status: a.status, exitCode: a.exitCode, reason: a.reason, startedAt: a.startedAt, endedAt: a.endedAt, log: a.logged ? a.log : null }));
    tasks[id] = { status: s?.status ?? 'pending', forced: s?.forced ?? null, attempts };
  }
  const summary = {
    runId: run.runId,
    startedAt: new Date(run.startMs).toISOString(),
    endedAt: new Date(run.startMs + run.durationMs).toISOString(),
    exitCode: run.exitCode,
    outcome: run.outcome,
    concurrency: run.concurrency,
    tasks,
  };
  mkdirPrivate(runsDir);
  writeFileAtomic(path.join(runsDir, `${run.runId}.json`), `${JSON.stringify(summary, null, 2)}\n`, { fsync: false, mode: 0o600 });
}

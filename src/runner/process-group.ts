/**
 * The one owner of a process group's lifecycle. Every process execplan starts (task commands, checks, agent
 * CLIs, and the spawn helper's children) leads a process group of its own, so stopping it stops everything
 * it started, grandchildren included: kill(reason) sends SIGTERM to the group and SIGKILL after the grace
 * period, and when the leader ends, members it left behind (a background grandchild) are killed with it.
 * (execa kills only the direct child; node:child_process directly also forks faster, see bench/RESULTS.md.)
 * The spawning and signalling are in process-group-core.ts (re-exported here), output as raw chunks; this
 * module adds whole lines.
 */
import type { AttemptHandle } from './executor.js';
import { LineSplitter } from './lines.js';
import { spawnGroupChunks, type ChunkOutput, type GroupSpawnCore, type OutputStream } from './process-group-core.js';

export * from './process-group-core.js';

export type GroupOutput =
  /** Whole lines; a line longer than maxLine (default 64 KiB) comes in pieces. */
  { lines: (line: string, stream: OutputStream) => void; maxLine?: number } | ChunkOutput;

export interface GroupSpawnOptions extends Omit<GroupSpawnCore, 'output' | 'onOutputEnd'> {
  output: GroupOutput;
}

/**
 * Splits both streams into lines; end() flushes a last line without a newline. A stream's splitter (and
 * its UTF-8 decoder) is made at its first chunk: most attempts print nothing on one stream or both, and
 * one that got no bytes has nothing to flush.
 */
export function lineOutput(onLine: (line: string, stream: OutputStream) => void, maxLine?: number): { push(stream: OutputStream, chunk: Buffer): void; end(): void } {
  let out: LineSplitter | null = null;
  let err: LineSplitter | null = null;
  return {
    push(stream, chunk) {
      if (stream === 'stdout') (out ??= new LineSplitter((line) => onLine(line, 'stdout'), maxLine)).push(chunk);
      else (err ??= new LineSplitter((line) => onLine(line, 'stderr'), maxLine)).push(chunk);
    },
    end() {
      out?.end();
      err?.end();
    },
  };
}

/** Spawns a program as the leader of a new process group. */
export function spawnGroup(options: GroupSpawnOptions): AttemptHandle {
  const output = options.output;
  if (!('lines' in output)) return spawnGroupChunks({ ...options, output });
  const lines = lineOutput(output.lines, output.maxLine);
  // The last line without a newline is flushed when the output ends, before the outcome is settled.
  return spawnGroupChunks({ ...options, output: { chunks: (chunk, stream) => lines.push(stream, chunk) }, onOutputEnd: () => lines.end() });
}

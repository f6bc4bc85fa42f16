/**
 * One small interface for every exporter that turns a compiled plan into files another tool reads (a CI
 * workflow today; other engines later). Exporters are pure: the compiled plan and options in, file
 * contents and notices out; the CLI reads, writes and prints around them.
 */
import type { CompiledPlan } from '../compiler/compiled.js';

export interface ExportNotice {
  level: 'warning' | 'notice';
  message: string;
}

export interface ExportResult {
  /** Path (relative to where the CLI writes, '/'-separated) -> content. Byte-identical for the same inputs. */
  files: Record<string, string>;
  notices: ExportNotice[];
  /** One line on what was produced, for the CLI to print. */
  summary: string;
}

export interface Exporter<Options> {
  name: string;
  export(compiled: CompiledPlan, options: Options): ExportResult;
}

/** Every artifact `execplan compile` writes, as file name -> content. The one place the list lives. */
import type { CompiledPlan } from '../compiled.js';
import type { Diagnostic } from '../diagnostic.js';
import { renderDag } from './dag-json.js';
import { renderWaves } from './waves-json.js';

export interface RenderOptions {
  /** The plan's warnings (and errors, if any), reported in dag.json. */
  diagnostics?: readonly Diagnostic[];
  /** RFC 3339 time from SOURCE_DATE_EPOCH, or null: artifacts never read the wall clock. */
  timestamp?: string | null;
}

export function renderArtifacts(compiled: CompiledPlan, options: RenderOptions = {}): Map<string, string> {
  const timestamp = options.timestamp ?? null;
  return new Map([
    ['dag.json', renderDag(compiled, options.diagnostics ?? [], timestamp)],
    ['waves.json', renderWaves(compiled, timestamp)],
  ]);
}

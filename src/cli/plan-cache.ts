/**
 * The normalized plan of the last load, kept in the plan's state directory for the commands that read or
 * change a run state (`execplan status`, the control verbs): with it they skip the front end (parsing,
 * the schema, the semantic checks, normalizing), which is most of their work on a large plan.
 *
 * It is served only when its key matches, and the key covers everything the front end's answer depends
 * on: the plan's bytes and the name it was given by, the settings its config and the command give it, and
 * execplan's own code (its version and every module file's size and time). The spec documents are the
 * one input on disk: their checks are made again on every load (see run-plan-input.ts). A plan that has
 * errors is never stored, so an invalid plan always gets the full load and its diagnostics.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { PlanModel } from '../compiler/model.js';
import { sha256 } from '../compiler/artifacts/json.js';
import { writeFileAtomic } from '../core/atomic-write.js';

/** The file in a plan's state directory. */
export const PLAN_CACHE_FILE = 'plan-model.json';

/** Bumped when the file's layout changes. */
const FORMAT = 1;

export interface CachedPlan {
  model: PlanModel;
  /** The plan's meaning hash (what a plan approval signs): a function of the model's source, hashed once. */
  planVersion: string;
}

/** What the key is made of: every input of the front end but the spec documents (checked on each load). */
export interface PlanCacheInputs {
  /** The plan's name as given (diagnostics name it). */
  file: string;
  /** sha256 of the plan's text. */
  textHash: string;
  /** The settings layers the plan is normalized with (from the config and the command line). */
  layers: unknown;
  /** codeStamp() (core/code-stamp.ts). */
  code: string;
}

export function planCacheKey(inputs: PlanCacheInputs): string {
  return sha256(JSON.stringify([FORMAT, inputs.file, inputs.textHash, inputs.layers, inputs.code]));
}

/**
 * The cached plan in `stateDir` when its key is `key`; null when there is none, it is for other inputs, or
 * it cannot be read. The key is the file's first line, so a stale file is told apart without parsing it.
 */
export function readCachedPlan(stateDir: string, key: string): CachedPlan | null {
  let text: string;
  try {
    text = readFileSync(path.join(stateDir, PLAN_CACHE_FILE), 'utf8');
  } catch {
    return null;
  }
  const newline = text.indexOf('\n');
  if (newline < 0 || text.slice(0, newline) !== key) return null;
  try {
    const cached = JSON.parse(text.slice(newline + 1)) as CachedPlan;
    return cached && typeof cached.planVersion === 'string' && cached.model && Array.isArray(cached.model.tasks) ? cached : null;
  } catch {
    return null;
  }
}

/**
 * Stores a plan that loaded without errors, replacing the file atomically (a reader sees the old one or the
 * new). Only into a state directory that exists (a plan that has never run gets none), and only a model that
 * reads back exactly as it was; a failure to write costs the next load its speed, nothing else.
 */
export function writeCachedPlan(stateDir: string, key: string, cached: CachedPlan): void {
  if (!existsSync(stateDir)) return;
  try {
    const json = JSON.stringify(cached);
    if (!isDeepStrictEqual(JSON.parse(json), cached)) return;
    writeFileAtomic(path.join(stateDir, PLAN_CACHE_FILE), `${key}\n${json}`, { fsync: false, mode: 0o600 });
  } catch {
    // a read-only or full disk: the plan is loaded in full next time
  }
}

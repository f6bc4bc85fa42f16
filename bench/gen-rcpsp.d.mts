import type { SmInstance } from './psplib-convert.mjs';
export interface GeneratedInstance extends SmInstance {
  /** Length of the critical path (the earliest-start schedule without resource limits). */
  criticalPath: number;
}
export function generateInstance(options: { jobs: number; nc: number; rf: number; rs: number; seed: number; resources?: number }): GeneratedInstance;
export interface GeneratedEntry {
  name: string;
  nc: number;
  rf: number;
  rs: number;
  instance: GeneratedInstance;
}
export function generateSet(jobs: number, rsValues?: number[], perCell?: number, options?: { prefix?: string; seedBase?: number }): GeneratedEntry[];
export const psplibStrengths: number[];
export function psplibSet(jobs: number, perCell?: number, seedBase?: number): GeneratedEntry[];

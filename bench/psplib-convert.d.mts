export interface SmInstance {
  jobs: number;
  successors: number[][];
  durations: number[];
  requests: number[][];
  capacities: number[];
}
export function parseSm(text: string): SmInstance;
export function smToPlanYaml(text: string, name?: string): string;
export function instanceToPlanYaml(sm: SmInstance, name?: string): string;
/** The PSPLIB data folder (../shared/bench-data/psplib beside the repo, or BENCH_DATA); throws when missing. */
export function psplibDataDir(root: string): string;

/** Which profile, model and extra prompt an agent task uses: task `agent` > stream `agent` > `defaults.agent` > config. */
import type { PlanModel, TaskModel } from '../compiler/model.js';
import type { Agent } from '../types/plan.js';
import type { AgentProfile } from './profiles.js';

export interface TaskAgent {
  profileName: string;
  /** null when the name is not a known profile (preflight reports it). */
  profile: AgentProfile | null;
  model: string | null;
  extraPrompt: string | null;
}

export function taskAgent(model: PlanModel, task: TaskModel, profiles: Record<string, AgentProfile>, defaultProfile: string): TaskAgent {
  const layers: Agent[] = [task.source.agent, task.stream !== null ? model.source.streams?.[task.stream]?.agent : undefined, model.source.defaults?.agent].filter(
    (a): a is Agent => a !== undefined,
  );
  const first = <K extends keyof Agent>(key: K): Agent[K] | undefined => layers.find((a) => a[key] !== undefined)?.[key];
  const profileName = first('profile') ?? defaultProfile;
  const profile = profiles[profileName] ?? null;
  return { profileName, profile, model: first('model') ?? profile?.model ?? null, extraPrompt: first('prompt') ?? null };
}

/**
 * What the CLI needs from the agents module: the agent executor configured from execplan.config.yaml.
 * `execplan run` registers it beside the command executor: `registry.agent = agentExecutorFromConfig(...)`.
 */
import path from 'node:path';
import type { PlanModel } from '../compiler/model.js';
import type { Config } from '../types/config.js';
import { agentExecutor } from './executor.js';
import type { TaskExecutor } from '../runner/executor.js';
import { defaultProfileName, resolveProfiles } from './profiles.js';

export interface AgentRunOptions {
  /** Notices a person must see (secrets sent with `warn`); printed by the CLI. */
  notify?: (message: string) => void;
}

export function agentExecutorFromConfig(model: PlanModel, config: Config, configPath: string | null, options: AgentRunOptions = {}): TaskExecutor {
  const templatePath = config.prompt_template ? path.resolve(configPath ? path.dirname(configPath) : process.cwd(), config.prompt_template) : null;
  return agentExecutor({
    model,
    profiles: resolveProfiles(config.profiles),
    defaultProfile: config.default_profile ?? defaultProfileName,
    templatePath,
    ...(options.notify ? { notify: options.notify } : {}),
  });
}

export { startWorktreeSession, type WorktreeSession } from './worktrees.js';
export { usageTotals, formatUsage, recordRunUsage, budgetReached } from './usage.js';

/**
 * Agent profiles: how to invoke a coding-agent CLI. Built-in profiles for Claude Code, Codex CLI and
 * Gemini CLI (flags checked against claude 2.1.197, codex 0.169.0 and gemini 0.61.0 `--help`; run for real
 * against a scripted local model server in the tests: claude 2.1.332, codex 0.171.0, gemini 0.61.0), merged
 * with the config's `profiles`. Pure: no process, no fs.
 */
import type { Profile } from '../types/config.js';
import { builtinLimitPatterns, defaultLimitPatterns, type LimitPatterns } from './limits.js';

export type PromptVia = 'argument' | 'stdin' | 'file';
export type OutputFormat = 'stream-json' | 'text';
export type SecretsPolicy = 'redact' | 'warn' | 'block';

export interface AgentProfile {
  name: string;
  command: string[];
  args: string[];
  draftArgs: string[];
  /** Appended to continue an earlier session ({{session_id}}); empty when the CLI cannot. */
  resumeArgs: string[];
  /** Consecutive tasks of a stream continue the stream's session (when resumeArgs are set). */
  streamSession: boolean;
  vars: Record<string, string>;
  promptVia: PromptVia;
  output: OutputFormat;
  env: Record<string, string>;
  timeout: string | null;
  secrets: SecretsPolicy;
  installHint: string;
  model: string | null;
  /** Which messages mean a usage limit or a rate limit (not a failure of the task). */
  limits: LimitPatterns;
}

export const builtinProfiles: Readonly<Record<string, AgentProfile>> = {
  claude: {
    name: 'claude',
    // The prompt goes on stdin: a full spec easily exceeds the 128 KiB limit of one argv element.
    command: [
      'claude',
      '-p',
      '--output-format',
      'stream-json',
      '--verbose',
      '--permission-mode',
      '{{permission_mode}}',
      '--allowedTools',
      '{{allowed_tools}}',
      '--model',
      '{{model}}',
    ],
    args: [],
    draftArgs: ['--json-schema', '{{json_schema}}'],
    // A stream's next task continues its conversation. --fork-session: the continued session gets a new
    // id, so two tasks of one stream running at once never write to the same session.
    resumeArgs: ['--resume', '{{session_id}}', '--fork-session'],
    streamSession: true,
    // acceptEdits: headless runs cannot answer permission prompts; edits are the job. Commands the agent
    // may run (tests, builds) are opted into with allowed_tools, e.g. "Bash(npm test:*) Bash(git diff:*)".
    vars: { permission_mode: 'acceptEdits', allowed_tools: '' },
    promptVia: 'stdin',
    output: 'stream-json',
    env: {},
    timeout: null,
    secrets: 'redact',
    installHint: 'install Claude Code: npm install -g @anthropic-ai/claude-code (then run `claude` once to log in)',
    model: null,
    limits: builtinLimitPatterns.claude!,
  },
  codex: {
    name: 'codex',
    // `codex exec -` reads the instructions from stdin.
    // --skip-git-repo-check: codex exec refuses to start outside a git repository (a plan in a plain folder).
    command: ['codex', 'exec', '--json', '--skip-git-repo-check', '--color', 'never', '--sandbox', '{{sandbox}}', '--model', '{{model}}', '-'],
    args: [],
    draftArgs: [],
    // `codex exec resume <id>` is a subcommand, which arguments added after `codex exec ... -` cannot express: not continued.
    resumeArgs: [],
    streamSession: true,
    vars: { sandbox: 'workspace-write' },
    promptVia: 'stdin',
    output: 'stream-json',
    env: {},
    timeout: null,
    secrets: 'redact',
    installHint: 'install Codex CLI: npm install -g @openai/codex (then run `codex login`)',
    model: null,
    limits: builtinLimitPatterns.codex!,
  },
  gemini: {
    name: 'gemini',
    // Headless mode needs -p; its text is appended to stdin, which carries the prompt. Without
    // --skip-trust, gemini 0.61 drops --approval-mode to "default" in a folder it has not seen (a new worktree).
    command: [
      'gemini',
      '--skip-trust',
      '--prompt',
      'Carry out the task described above.',
      '--output-format',
      'stream-json',
      '--approval-mode',
      '{{approval_mode}}',
      '--model',
      '{{model}}',
    ],
    args: [],
    draftArgs: [],
    // gemini --resume takes a session id but cannot fork it: two tasks of a stream running at once would
    // append to one session file. Not continued.
    resumeArgs: [],
    streamSession: true,
    vars: { approval_mode: 'auto_edit' },
    promptVia: 'stdin',
    output: 'stream-json',
    env: {},
    timeout: null,
    // Gemini may expose content to human reviewers: never send secrets there.
    secrets: 'redact',
    installHint: 'install Gemini CLI: npm install -g @google/gemini-cli (then run `gemini` once to log in)',
    model: null,
    limits: builtinLimitPatterns.gemini!,
  },
};

export const defaultProfileName = 'claude';

/** One profile from config, merged field by field over the built-in of the same name (if any). */
export function mergeProfile(name: string, base: AgentProfile | undefined, config: Profile): AgentProfile {
  const command = config.command ?? base?.command ?? [name];
  return {
    name,
    command,
    args: config.args ?? base?.args ?? [],
    draftArgs: config.draft_args ?? base?.draftArgs ?? [],
    resumeArgs: config.resume_args ?? base?.resumeArgs ?? [],
    streamSession: config.stream_session ?? base?.streamSession ?? true,
    vars: { ...base?.vars, ...config.vars },
    promptVia: config.prompt_via ?? base?.promptVia ?? 'stdin',
    output: config.output ?? base?.output ?? 'text',
    env: { ...base?.env, ...config.env },
    timeout: config.timeout ?? base?.timeout ?? null,
    secrets: config.secrets ?? base?.secrets ?? 'redact',
    installHint: config.install_hint ?? base?.installHint ?? `install '${command[0]}' or fix the 'profiles.${name}.command' entry of execplan.config.yaml`,
    model: config.model ?? base?.model ?? null,
    // Each kind given replaces the base's list, so a profile can also drop a built-in pattern.
    limits: { usage: config.limits?.usage ?? base?.limits.usage ?? defaultLimitPatterns.usage, rate: config.limits?.rate ?? base?.limits.rate ?? defaultLimitPatterns.rate },
  };
}

export function resolveProfiles(config: Record<string, Profile> | undefined): Record<string, AgentProfile> {
  const profiles: Record<string, AgentProfile> = { ...builtinProfiles };
  for (const [name, profile] of Object.entries(config ?? {})) profiles[name] = mergeProfile(name, builtinProfiles[name], profile);
  return profiles;
}

export interface InvocationInput {
  prompt: string;
  /** Where the prompt file is written when promptVia is file. */
  promptFile: string | null;
  model: string | null;
  cwd: string;
  /** `execplan draft`: the plan JSON Schema; adds the profile's draft arguments. */
  jsonSchema?: string;
  /** The agent session to continue; adds the profile's resume arguments. */
  sessionId?: string | null;
}

export interface Invocation {
  file: string;
  args: string[];
  /** Text written to the child's stdin (then closed), or null for no stdin. */
  stdin: string | null;
  /** The prompt file to write before spawning, when promptVia is file. */
  promptFile: { path: string; text: string } | null;
  env: Record<string, string>;
}

const PLACEHOLDER = /\{\{\s*([a-z_][a-z0-9_]*)\s*\}\}/gi;
const ONLY_PLACEHOLDER = /^\{\{\s*([a-z_][a-z0-9_]*)\s*\}\}$/i;

/** Expands placeholders; an argument that is one unset placeholder is dropped with the flag before it. */
export function expandArgv(template: readonly string[], values: Record<string, string | null | undefined>): string[] {
  const out: string[] = [];
  for (const arg of template) {
    const only = ONLY_PLACEHOLDER.exec(arg);
    if (only) {
      const value = values[only[1]!];
      if (value === undefined || value === null || value === '') {
        if (out.length > 1 && out[out.length - 1]!.startsWith('-')) out.pop();
        continue;
      }
      out.push(value);
      continue;
    }
    out.push(arg.replace(PLACEHOLDER, (_m, key: string) => values[key] ?? ''));
  }
  return out;
}

export function buildInvocation(profile: AgentProfile, input: InvocationInput): Invocation {
  const values: Record<string, string | null> = {
    ...profile.vars,
    model: input.model ?? profile.model,
    cwd: input.cwd,
    prompt: profile.promptVia === 'argument' ? input.prompt : null,
    prompt_file: profile.promptVia === 'file' ? input.promptFile : null,
    json_schema: input.jsonSchema ?? null,
    session_id: input.sessionId ?? null,
  };
  const resume = input.sessionId ? profile.resumeArgs : [];
  const template = [...profile.command, ...profile.args, ...(input.jsonSchema !== undefined ? profile.draftArgs : []), ...resume];
  const argv = expandArgv(template, values);
  return {
    file: argv[0]!,
    args: argv.slice(1),
    stdin: profile.promptVia === 'stdin' ? input.prompt : null,
    promptFile: profile.promptVia === 'file' && input.promptFile ? { path: input.promptFile, text: input.prompt } : null,
    env: profile.env,
  };
}

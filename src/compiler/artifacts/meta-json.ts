/**
 * .tasks-meta.json: tool version, plan hash and the sha256 of every other artifact. The plan hash is
 * of the plan as parsed (keys sorted, comments and layout gone), so a comment or a re-indent keeps
 * `compile --check` green while any change of meaning makes it stale.
 */
import { generated, type ArtifactContext } from './context.js';
import { renderJsonDocument, sha256, stableStringify } from './json.js';

/** `digests`: the sha256 (hex) of every other artifact's bytes, by file name. */
export function renderMetaJson(ctx: ArtifactContext, digests: Record<string, string>): string {
  return renderJsonDocument({
    generated: generated(ctx),
    tool: { name: 'execplan', version: ctx.version },
    plan: { name: ctx.compiled.model.name, file: ctx.planFile, sha256: sha256(stableStringify(ctx.compiled.model.source)) },
    artifacts: Object.fromEntries(
      Object.keys(digests)
        .sort()
        .map((name) => [name, { sha256: digests[name]! }]),
    ),
  });
}

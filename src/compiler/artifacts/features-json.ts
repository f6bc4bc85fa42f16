/** features.json: the plan's capabilities with the tasks and effort behind each. */
import { round } from '../rounding.js';
import { generated, type ArtifactContext } from './context.js';
import { renderJsonDocument } from './json.js';

export function renderFeaturesJson(ctx: ArtifactContext): string {
  const { model } = ctx.compiled;
  const features = (model.source.features ?? []).map((f) => {
    const tasks = model.tasks.filter((t) => t.feature === f.id);
    return {
      id: f.id,
      title: f.title,
      description: f.description ?? null,
      priority: f.priority ?? null,
      tasks: tasks.map((t) => t.id),
      hours: round(tasks.reduce((s, t) => s + t.hours, 0)),
    };
  });
  return renderJsonDocument({
    generated: generated(ctx),
    plan: model.name,
    features,
    unassigned_tasks: model.tasks.filter((t) => t.feature === null).map((t) => t.id),
  });
}

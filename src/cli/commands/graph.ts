/** execplan graph [plan.yaml] [--format mermaid|dot|json]: the dependency graph, for people or tools. */
import { compilePlan } from '../../compiler/compile.js';
import { mermaidEdgeCount, mermaidFlowchart, mermaidMaxEdges } from '../../compiler/artifacts/mermaid.js';
import { dotGraph } from '../../compiler/artifacts/dot.js';
import { stableStringify } from '../../compiler/artifacts/json.js';
import { ok } from '../../core/result.js';
import { unreachable } from '../../core/unreachable.js';
import { parseCommandArgs } from '../args.js';
import { UsageError, type Command } from '../command.js';
import { loadPlanWithConfig } from '../plan-input.js';

const formats = ['mermaid', 'dot', 'json'] as const;
type Format = (typeof formats)[number];

export const graphCommand: Command = {
  name: 'graph',
  summary: 'Print the dependency graph as Mermaid, Graphviz DOT or JSON (critical path marked)',
  usage: 'execplan graph [plan.yaml] [--format mermaid|dot|json] [--config FILE]',
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, { format: { type: 'string', default: 'mermaid' }, config: { type: 'string' } }, 1);
    const format = values.format as Format;
    if (!formats.includes(format)) throw new UsageError(`--format must be mermaid, dot or json, not '${values.format}'`);
    const outcome = await loadPlanWithConfig(io, positionals[0], {}, values.config);
    if (!outcome.ok) return outcome;
    const { model } = outcome.value;
    const compiled = compilePlan(model);
    const { graph } = compiled;
    switch (format) {
      case 'mermaid': {
        const chart = mermaidFlowchart(compiled);
        io.stdout(chart);
        const edges = mermaidEdgeCount(chart);
        if (edges > mermaidMaxEdges)
          io.stderr(`execplan graph: note: ${edges} arrows; Mermaid (and GitHub) render at most ${mermaidMaxEdges}: use --format dot for a graph this large\n`);
        break;
      }
      case 'dot':
        io.stdout(dotGraph(compiled));
        break;
      case 'json':
        io.stdout(
          stableStringify({
            plan: model.name,
            nodes: model.tasks.map((t) => ({ id: t.id, title: t.title, hours: t.hours, stream: t.stream, phase: t.phase, critical: graph.criticalPath.includes(t.id) })),
            edges: graph.edges.map((e) => ({ from: e.from, to: e.to, type: e.type, confidence: e.confidence })),
            reduced_edges: graph.reducedEdges,
            phase_barriers: graph.phaseBarriers,
            soft_deps: graph.softDeps.map((e) => ({ from: e.from, to: e.to, type: e.type, confidence: e.confidence })),
            low_confidence_deps: graph.lowConfidenceDeps.map((e) => ({ from: e.from, to: e.to, type: e.type, confidence: e.confidence })),
            critical_path: graph.criticalPath,
            critical_path_hours: graph.criticalPathHours,
          }),
        );
        break;
      default:
        return unreachable(format, 'graph format');
    }
    return ok();
  },
};

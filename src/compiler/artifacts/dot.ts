/** Graphviz DOT of the dependency graph (`execplan graph --format dot`): streams as clusters, critical path bold red. */
import type { CompiledPlan } from '../compiled.js';
import { round } from '../rounding.js';

const q = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;

export function dotGraph(compiled: CompiledPlan): string {
  const { model, graph } = compiled;
  const critical = new Set(graph.criticalPath);
  const lines = [`digraph ${q(model.name)} {`, '  rankdir=LR;', '  node [shape=box, style="rounded,filled", fillcolor="#eef3fb"];'];
  const decl = (id: string, indent: string) => {
    const t = model.tasks.find((x) => x.id === id)!;
    const crit = critical.has(id) ? ', color="#c0392b", penwidth=3, fillcolor="#fde2e1"' : '';
    lines.push(`${indent}${q(id)} [label=${q(`${id}\n${t.title}\n${round(t.hours)} h`)}${crit}];`);
  };
  model.streams.forEach((s, i) => {
    const members = model.tasks.filter((t) => t.stream === s.name);
    if (members.length === 0) return;
    lines.push(`  subgraph cluster_${i} {`, `    label=${q(`stream: ${s.name}`)};`);
    for (const t of members) decl(t.id, '    ');
    lines.push('  }');
  });
  for (const t of model.tasks.filter((x) => x.stream === null)) decl(t.id, '  ');
  const onPath = (a: string, b: string) => {
    const i = graph.criticalPath.indexOf(a);
    return i >= 0 && graph.criticalPath[i + 1] === b;
  };
  for (const [a, b] of graph.reducedEdges) lines.push(`  ${q(a)} -> ${q(b)}${onPath(a, b) ? ' [color="#c0392b", penwidth=3]' : ''};`);
  // Critical-path steps that are not reduced edges (phase barriers) are drawn too, as in the Mermaid graph.
  for (let i = 0; i + 1 < graph.criticalPath.length; i++) {
    const a = graph.criticalPath[i]!;
    const b = graph.criticalPath[i + 1]!;
    if (graph.reducedEdges.some(([f, t]) => f === a && t === b)) continue;
    const direct = graph.edges.some((e) => e.from === a && e.to === b);
    lines.push(`  ${q(a)} -> ${q(b)} [color="#c0392b", penwidth=3${direct ? '' : ', style=bold, label="phase barrier"'}];`);
  }
  for (const e of [...graph.softDeps, ...graph.lowConfidenceDeps])
    lines.push(`  ${q(e.from)} -> ${q(e.to)} [style=dashed, label=${q(e.hard ? `confidence ${e.confidence}` : 'soft')}];`);
  lines.push('}');
  return lines.join('\n') + '\n';
}

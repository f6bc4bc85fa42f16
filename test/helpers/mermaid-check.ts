/**
 * Checks Mermaid diagrams with the mermaid library itself (its parser, the one GitHub renders with),
 * in Node with jsdom standing in for the browser DOM that mermaid's module needs at import time.
 */
type Mermaid = {
  parse(text: string): Promise<unknown>;
  initialize(config: object): void;
  mermaidAPI: { getDiagramFromText(text: string): Promise<{ db: { getTasks?(): { id: string; task: string; startTime: Date; endTime: Date }[]; getDateFormat?(): string } }> };
};
let loaded: Promise<Mermaid> | undefined;

async function mermaid(): Promise<Mermaid> {
  loaded ??= (async () => {
    // Imported here, not at the top: jsdom costs ~1.5 s of CPU to load, and a file that only needs
    // mermaidBlocks() should not pay it.
    const { JSDOM } = await import('jsdom');
    const dom = new JSDOM('<!doctype html><html><body></body></html>');
    const g = globalThis as Record<string, unknown>;
    g.window = dom.window;
    g.document = dom.window.document;
    const m = (await import('mermaid')).default as unknown as Mermaid;
    m.initialize({ startOnLoad: false });
    return m;
  })();
  return loaded;
}

/** The ```mermaid blocks of a Markdown text. */
export function mermaidBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```mermaid\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
}

/** null when the diagram parses, else mermaid's error message. */
export async function mermaidError(diagram: string): Promise<string | null> {
  try {
    await (await mermaid()).parse(diagram);
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** The bars a gantt diagram really has, and its date format, as mermaid reads them. */
export async function ganttContent(diagram: string): Promise<{ tasks: string[]; dateFormat: string }> {
  const { db } = await (await mermaid()).mermaidAPI.getDiagramFromText(diagram);
  return { tasks: (db.getTasks?.() ?? []).map((t) => t.task.trim()), dateFormat: db.getDateFormat?.() ?? '' };
}

/**
 * Each bar's start and end as mermaid's own parser returns them, in hours after `origin` (a Date in
 * the same time zone mermaid parses in), keyed by the bar's mermaid id.
 */
export async function ganttBars(diagram: string, origin: Date): Promise<Map<string, { start: number; end: number }>> {
  const { db } = await (await mermaid()).mermaidAPI.getDiagramFromText(diagram);
  const hours = (d: Date) => (d.getTime() - origin.getTime()) / 3_600_000;
  return new Map((db.getTasks?.() ?? []).map((t) => [t.id, { start: hours(t.startTime), end: hours(t.endTime) }]));
}

/**
 * What a flowchart really holds as mermaid's own parser reads it: node ids with their labels, edges as
 * [from, to], and each subgraph with its title and the ids directly inside it (nested subgraphs count as
 * members of their parent by id).
 */
export async function flowchartContent(diagram: string): Promise<{
  nodes: Map<string, string>;
  edges: [string, string][];
  subgraphs: { id: string; title: string; members: string[] }[];
}> {
  const { db } = (await (await mermaid()).mermaidAPI.getDiagramFromText(diagram)) as unknown as {
    db: {
      getVertices(): Map<string, { id: string; text?: string }>;
      getEdges(): { start: string; end: string }[];
      getSubGraphs(): { id: string; title: string; nodes: string[] }[];
    };
  };
  const vertices = db.getVertices();
  return {
    nodes: new Map([...vertices.values()].map((v) => [v.id, v.text ?? ''])),
    edges: db.getEdges().map((e) => [e.start, e.end]),
    subgraphs: db.getSubGraphs().map((s) => ({ id: s.id, title: s.title, members: [...s.nodes] })),
  };
}

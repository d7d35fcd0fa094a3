// The DAG panel's flowchart parser (webviews/src/dag/flow-parser.ts) against Mermaid's own: for the
// sources the panel writes, both must leave Mermaid's flowchart database in the same state (every
// node, label, shape, class, edge and counter), since the panel's bundle draws from what the
// panel's parser leaves. Mermaid's parser runs here in Node, with jsdom standing in for the window
// its sanitiser needs.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { JSDOM } from 'jsdom';
import { analyzeSource } from '../../runtime/src/graph/index.ts';
import type { FlowGraph } from '../../runtime/src/graph/types.ts';
import { type FlowDb, parseFlowSubset } from '../../webviews/src/dag/flow-parser.ts';
import { dagToMermaid } from '../../webviews/src/dag/mermaid.ts';
import type { RunStatusSummary } from '../../webviews/src/messages.ts';

interface MermaidFlowDiagram {
  readonly db: FlowDb & Record<string, unknown> & { clear(): void };
  parser: { parser: { yy: unknown }; parse(source: string): unknown };
}

let diagram: MermaidFlowDiagram;

before(async () => {
  const dom = new JSDOM('<!DOCTYPE html><body></body>');
  Object.assign(globalThis, { window: dom.window, document: dom.window.document });
  // Mermaid's flowchart chunk (its file name carries a content hash): the one built from flow.jison.
  const dir = path.join(
    import.meta.dirname,
    '..',
    '..',
    'node_modules',
    'mermaid',
    'dist',
    'chunks',
    'mermaid.core',
  );
  const chunk = fs
    .readdirSync(dir)
    .map((f) => path.join(dir, f))
    .find(
      (f) =>
        f.endsWith('.mjs') && fs.readFileSync(f, 'utf8').includes('src/diagrams/flowchart/parser/flow.jison'),
    );
  assert.ok(chunk, "Mermaid's flowchart parser chunk");
  diagram = ((await import(pathToFileURL(chunk).href)) as { diagram: MermaidFlowDiagram }).diagram;
});

/** The database's state after parsing `source` with Mermaid's parser or the panel's. */
async function parsed(source: string, by: 'mermaid' | 'panel'): Promise<unknown> {
  const db = diagram.db;
  db.clear();
  if (by === 'mermaid') {
    diagram.parser.parser.yy = db;
    await diagram.parser.parse(source);
  } else parseFlowSubset(source, db);
  return {
    direction: db.direction,
    vertexCounter: db.vertexCounter,
    firstGraphFlag: db.firstGraphFlag,
    vertices: [...(db.vertices as Map<string, unknown>).entries()],
    edges: db.edges,
    classes: [...(db.classes as Map<string, unknown>).entries()],
    subGraphs: db.subGraphs,
  };
}

const flow = (name: string, body: string): FlowGraph =>
  analyzeSource(`/flows/${name}.ts`, `import { FlowSpec, step, type Inputs } from 'tsflow';\n${body}`)
    .flows[0]!;

const FLOWS: Record<string, FlowGraph> = {
  pets: analyzeSource(
    '/e.ts',
    fs.readFileSync(path.join(import.meta.dirname, '..', '..', 'examples', 'petsflow.ts'), 'utf8'),
  ).flows[0]!,
  switch: analyzeSource(
    '/s.ts',
    fs.readFileSync(path.join(import.meta.dirname, '..', 'flows', 'switch.ts'), 'utf8'),
  ).flows[0]!,
  nested: analyzeSource(
    '/n.ts',
    fs.readFileSync(path.join(import.meta.dirname, '..', 'flows', 'nested-foreach.ts'), 'utf8'),
  ).flows[0]!,
  // Every character class a label can hold, a `$` name, a case key that looks like syntax, a step
  // that does not exist yet (a placeholder node) and a step nothing leads to.
  hostile: flow(
    'hostile',
    `export class HostileFlow extends FlowSpec {
  mode = 'a';
  @step start() { this.next(this.$pick); }
  @step $pick() {
    this.next({ 'a<b': this.t1, '#1 "q" | $x': this.t2, 'ﬂ°lt¶ß é 😀': this.t2, '%%{init}%% -->|x| end': this.t3, 'classDef x fill:#f00': this.missing }, { condition: 'mode' });
  }
  @step t1() { this.next(this.a$b); }
  @step t2() { this.next(this.a$b); }
  @step t3() { this.next(this.a$b); }
  @step orphan() { this.next(this.a$b); }
  @step a$b(inputs: Inputs<HostileFlow>) { this.next(this.end); }
  @step end() {}
}`,
  ),
  foreach: flow(
    'foreach',
    `export class EachFlow extends FlowSpec {
  items = [1];
  @step start() { this.next(this.body, { foreach: 'items' }); }
  @step body() { this.next(this.join); }
  @step join(inputs: Inputs<EachFlow>) { this.next(this.end); }
  @step end() {}
}`,
  ),
};

describe("the DAG panel's flowchart parser", () => {
  for (const [name, graph] of Object.entries(FLOWS)) {
    it(`leaves Mermaid's database as Mermaid's parser does: ${name}`, async () => {
      const run: RunStatusSummary = {
        pathspec: `${graph.name}/7`,
        status: 'running',
        steps: Object.fromEntries(
          graph.steps.map((s, i) => [s.name, (['done', 'running', 'failed'] as const)[i % 3]!]),
        ),
      };
      for (const source of [dagToMermaid(graph), dagToMermaid(graph, run, { direction: 'LR' })]) {
        const expected = await parsed(source, 'mermaid');
        assert.deepEqual(await parsed(source, 'panel'), expected);
        assert.ok((expected as { vertices: unknown[] }).vertices.length >= graph.steps.length);
      }
    });
  }

  it('refuses any other statement, naming its line', () => {
    const db = diagram.db;
    db.clear();
    assert.throws(
      () => parseFlowSubset('flowchart TD\n  s_a["a"]\n  subgraph one\n', db),
      /line 3 is not in the flowchart subset the DAG panel writes: subgraph one/,
    );
    assert.throws(() => parseFlowSubset('graph LR\n', db), /line 1 is not in the flowchart subset/);
    assert.throws(() => parseFlowSubset('flowchart TD\n  s_a["a")\n', db), /line 2/);
    assert.throws(() => parseFlowSubset('\n\n', db), /empty/);
  });
});

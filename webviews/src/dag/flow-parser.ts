// The DAG panel's flowchart parser, bundled in place of Mermaid's (scripts/mermaid-bundle.mjs).
// Mermaid parses flowcharts with a generated LR parser whose first run took a fifth of a 100-step
// first render (its lexer tries ~150 regular expressions per token, and its tables are built when
// the bundle loads). The panel only ever renders the source mermaid.ts writes: one statement per
// line, of six kinds. This parser reads exactly those and makes the same calls on Mermaid's
// flowchart database, in the same order, as Mermaid's parser does for them (its vertex counter,
// which names the drawn elements, included): test/webviews/flow-parser.test.ts runs both on the
// same sources and compares the databases. Anything else is refused with its line.

/** The methods of Mermaid's flowchart database (FlowDB) the parser calls. */
export interface FlowDb {
  lex?: { firstGraph(): boolean };
  setDirection(dir: string): void;
  addVertex(id: string, text?: FlowText, type?: string): void;
  destructLink(link: string): { type: string; stroke: string; length: number };
  addLink(start: string[], end: string[], link: FlowLink): void;
  addClass(ids: string, styles: string[]): void;
  setClass(ids: string, className: string): void;
}

export interface FlowText {
  text: string;
  type: 'string';
}

export interface FlowLink {
  type: string;
  stroke: string;
  length: number;
  text?: FlowText;
}

const ID = '[A-Za-z0-9_]+';
/** A node with its label: the shapes mermaid.ts draws steps with (label text never holds `"`). */
const NODE = new RegExp(
  `^(${ID})(\\(\\[|\\[\\[|\\{\\{|\\[/|\\[)"([^"]*)"(\\]\\)|\\]\\]|\\}\\}|\\\\\\]|\\])$`,
);
const SHAPES: Record<string, [close: string, type: string]> = {
  '([': ['])', 'stadium'],
  '[[': [']]', 'subroutine'],
  '{{': ['}}', 'hexagon'],
  '[/': ['\\]', 'trapezoid'],
  '[': [']', 'square'],
};
const EDGE = new RegExp(`^(${ID}) (-->|==>|-\\.->)(?:\\|"([^"]*)"\\|)? (${ID})$`);
const CLASS_DEF = new RegExp(`^classDef (${ID}) ([A-Za-z0-9:#.%_-]+)$`);
const CLASS = new RegExp(`^class (${ID}(?:,${ID})*) (${ID})$`);
const HEADER = /^flowchart (TD|TB|LR|RL|BT)$/;

/** Mermaid's parser interface: `parser.yy` is set to the diagram's database before `parse`. */
export const panelFlowParser = {
  parser: { yy: undefined as FlowDb | undefined },
  parse(source: string): void {
    const db = this.parser.yy;
    if (!db) throw new Error('the flowchart parser has no database');
    parseFlowSubset(source, db);
  },
};

export function parseFlowSubset(source: string, db: FlowDb): void {
  const lines = source.split('\n');
  let headed = false;
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    const refuse = () => {
      throw new Error(
        `line ${i + 1} is not in the flowchart subset the DAG panel writes: ${line.slice(0, 80)}`,
      );
    };
    if (!headed) {
      const h = HEADER.exec(line);
      if (!h) refuse();
      db.lex?.firstGraph();
      db.setDirection(h![1]!);
      headed = true;
      return;
    }
    let m = NODE.exec(line);
    if (m) {
      const [close, type] = SHAPES[m[2]!]!;
      if (m[4] !== close) refuse();
      db.addVertex(m[1]!, { text: m[3]!, type: 'string' }, type);
      return;
    }
    m = EDGE.exec(line);
    if (m) {
      db.addVertex(m[1]!);
      db.addVertex(m[4]!);
      const { type, stroke, length } = db.destructLink(m[2]!);
      const link: FlowLink = { type, stroke, length };
      if (m[3] !== undefined) link.text = { text: m[3], type: 'string' };
      db.addLink([m[1]!], [m[4]!], link);
      return;
    }
    m = CLASS_DEF.exec(line);
    if (m) {
      db.addClass(m[1]!, [m[2]!]);
      return;
    }
    m = CLASS.exec(line);
    if (m) {
      db.setClass(m[1]!, m[2]!);
      return;
    }
    refuse();
  });
  if (!headed) throw new Error('the flowchart source is empty');
}

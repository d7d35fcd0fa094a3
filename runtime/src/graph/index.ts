// The graph module: static DAG extraction and lint, one implementation for the CLI (`check`,
// `show`, `graph`, `run`), the scheduler and the language server. `transition.ts` (the run-time
// check) is deliberately not re-exported through anything heavier than itself: task workers import
// it directly to avoid loading the TypeScript compiler.

export { analyzeFile, analyzeSource, formatProblem } from './analyze.js';
export { lintGraph, RULES } from './lint.js';
export { mermaidNodeId, toDot, toMermaid } from './render.js';
export { SourceTrees } from './source.js';
export { checkTransition, type TakenTransition } from './transition.js';
export type * from './types.js';

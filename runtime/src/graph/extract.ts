// Static extraction: source text → one FlowGraph per `class X extends FlowSpec`, plus the syntax
// facts the linter needs. Never throws on a parse problem: TypeScript's parser recovers from any
// input, and every step here tolerates the partial trees it produces.

import ts from 'typescript';
import { checkBalance } from './balance.js';
import { scanBody } from './body.js';
import { type ReadDecorator, readDecorator } from './decorators.js';
import { leadingDoc } from './doc.js';
import type { ExtractedFlow, Extraction, FlowFacts, Issue, StepFacts } from './facts.js';
import { resolveName, type TsflowNames, tsflowNames } from './imports.js';
import { RESERVED_STEP_NAMES } from './names.js';
import { memberName, readParameter } from './parameters.js';
import { collectReferences } from './references.js';
import {
  nodeRange,
  nodesRange,
  parseSource,
  type SourceTrees,
  spanRange,
  syntaxDiagnostics,
} from './source.js';
import { computeStructure, indexGraph } from './structure.js';
import { isThisNextCall, parseTransition } from './tail.js';
import type { AnalyzeOptions, FlowGraph, ParameterInfo, StepNode } from './types.js';

interface Context {
  sf: ts.SourceFile;
  names: TsflowNames;
}

/** True for `class X extends FlowSpec` (also `tsflow.FlowSpec` or an imported alias). */
function extendsFlowSpec(cls: ts.ClassDeclaration, names: TsflowNames): boolean {
  const clause = cls.heritageClauses?.find((h) => h.token === ts.SyntaxKind.ExtendsKeyword);
  const base = clause?.types[0]?.expression;
  return base !== undefined && resolveName(base, names)?.name === 'FlowSpec';
}

interface Member {
  node: ts.MethodDeclaration;
  name: string;
  decorators: ReadDecorator[];
}

function readStep(
  ctx: Context,
  member: Member,
  ignore: (n: string) => boolean,
): { node: StepNode; facts: StepFacts } {
  const { sf } = ctx;
  const method = member.node;
  const params = method.parameters.filter((p) => !(ts.isIdentifier(p.name) && p.name.text === 'this'));
  const body = method.body;
  const last = body?.statements[body.statements.length - 1];
  const tail =
    last && ts.isExpressionStatement(last) && isThisNextCall(last.expression) ? last.expression : null;
  const first = params[0];
  const inputsName = first && ts.isIdentifier(first.name) ? first.name.text : undefined;
  const scan = scanBody(body, ignore, inputsName);
  const parsed = tail ? parseTransition(sf, tail) : null;
  const nameRange = nodeRange(sf, method.name);
  const node: StepNode = {
    name: member.name,
    kind: 'linear',
    isStart: member.name === 'start',
    isEnd: member.name === 'end',
    nameRange,
    range: nodeRange(sf, method),
    line: nameRange.start.line + 1,
    decorators: member.decorators.map((d) => d.info),
    paramCount: params.length,
    next: [],
    prev: [],
    transition: parsed?.transition ?? null,
    matchingJoin: null,
    matchingSplit: null,
    assigns: scan.assigns,
    reads: scan.reads,
  };
  if (first) node.paramName = ts.isIdentifier(first.name) ? first.name.text : first.name.getText(sf);
  const doc = leadingDoc(sf, method);
  if (doc !== undefined) node.doc = doc;
  const facts: StepFacts = {
    tailCall: tail ? nodeRange(sf, tail) : null,
    misplacedCalls: scan.nextCalls.filter((c) => c !== tail).map((c) => nodeRange(sf, c)),
    transitionIssues: parsed?.issues ?? [],
    casesRange: parsed?.casesRange ?? null,
    inputAccesses: scan.inputAccesses.map((id) => ({ name: id.text, range: nodeRange(sf, id) })),
    firstParamRange: first ? nodeRange(sf, first) : null,
    extraParamsRange: params.length > 1 ? nodesRange(sf, params[1]!, params[params.length - 1]!) : null,
  };
  return { node, facts };
}

function readFlow(
  ctx: Context,
  file: string,
  cls: ts.ClassDeclaration,
  name: string,
  options: AnalyzeOptions,
): ExtractedFlow {
  const { sf } = ctx;
  const facts: FlowFacts = {
    steps: new Map(),
    duplicateSteps: [],
    methods: new Set(),
    foreignDecorators: new Set(),
  };
  const stepMembers: Member[] = [];
  const parameters: ParameterInfo[] = [];
  // First pass: which members are steps, so that artifact scanning can tell `this.helper` from data.
  for (const m of cls.members) {
    if (ts.isMethodDeclaration(m)) {
      const decorators = (ts.canHaveDecorators(m) ? (ts.getDecorators(m) ?? []) : []).map((d) =>
        readDecorator(sf, d, ctx.names),
      );
      const mname = memberName(sf, m.name);
      if (decorators.some((d) => d.info.name === 'step')) {
        stepMembers.push({ node: m, name: mname, decorators });
        for (const d of decorators) if (d.foreign) facts.foreignDecorators.add(d.info.name);
      } else {
        facts.methods.add(mname);
      }
    } else if (ts.isPropertyDeclaration(m)) {
      const isStatic = m.modifiers?.some((mod) => mod.kind === ts.SyntaxKind.StaticKeyword) ?? false;
      const param = isStatic ? null : readParameter(sf, m, ctx.names);
      if (param) parameters.push(param);
    }
  }
  const stepNames = new Set(stepMembers.map((m) => m.name));
  const ignore = (n: string) => RESERVED_STEP_NAMES.has(n) || stepNames.has(n) || facts.methods.has(n);
  const steps: StepNode[] = [];
  const firstByName = new Map<string, StepNode>();
  for (const member of stepMembers) {
    const first = firstByName.get(member.name);
    if (first) {
      facts.duplicateSteps.push({
        name: member.name,
        nameRange: nodeRange(sf, member.node.name),
        firstNameRange: first.nameRange,
      });
      continue;
    }
    const { node, facts: stepFacts } = readStep(ctx, member, ignore);
    firstByName.set(member.name, node);
    facts.steps.set(member.name, stepFacts);
    steps.push(node);
  }
  const nameNode = cls.name ?? cls;
  const graph: FlowGraph = {
    schema: 1,
    name,
    file,
    nameRange: nodeRange(sf, nameNode),
    range: nodeRange(sf, cls),
    start: firstByName.has('start') ? 'start' : null,
    end: firstByName.has('end') ? 'end' : null,
    steps,
    parameters,
  };
  const doc = leadingDoc(sf, cls);
  if (doc !== undefined) graph.doc = doc;
  computeStructure(graph);
  const index = indexGraph(graph);
  for (const [split, join] of checkBalance(graph, index).joins) {
    index.byName.get(split)!.matchingJoin = join;
    index.byName.get(join)!.matchingSplit = split;
  }
  const flow: ExtractedFlow = { graph, facts };
  if (options.references) {
    flow.references = collectReferences(sf, cls, new Map(stepMembers.map((m) => [m.node, m.name] as const)));
  }
  return flow;
}

/**
 * Extracts every flow class of a file. `file` is recorded as given (callers pass an absolute
 * path). With `trees`, the file is parsed incrementally from its previous version there.
 */
export function extract(
  file: string,
  text: string,
  options: AnalyzeOptions = {},
  trees?: SourceTrees,
): Extraction {
  return extractParsed(file, trees ? trees.parse(file, text) : parseSource(file, text), options);
}

/** Extraction from an already parsed file (the parse is most of the cost; benchmarks separate them). */
export function extractParsed(file: string, sf: ts.SourceFile, options: AnalyzeOptions = {}): Extraction {
  const issues: Issue[] = syntaxDiagnostics(sf).map((d) => {
    const start = d.start ?? 0;
    return {
      rule: 'syntax-error',
      message: `${ts.flattenDiagnosticMessageText(d.messageText, '\n')} (TypeScript can't parse this; fix it first)`,
      range: spanRange(sf, start, start + (d.length ?? 0)),
    };
  });
  const ctx: Context = { sf, names: tsflowNames(sf) };
  const flows: ExtractedFlow[] = [];
  for (const stmt of sf.statements) {
    if (ts.isClassDeclaration(stmt) && stmt.name && extendsFlowSpec(stmt, ctx.names)) {
      flows.push(readFlow(ctx, file, stmt, stmt.name.text, options));
    }
  }
  const firstLineEnd = sf.text.search(/\r?\n|$/);
  return { file, flows, issues, firstLine: spanRange(sf, 0, firstLineEnd) };
}

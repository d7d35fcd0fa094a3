// The DAG panel's feed: the `tsflow/graph` request and the debounced `tsflow/graphChanged`
// notification. While the text has syntax errors the last graph that parsed is served (marked
// stale), so the panel does not flicker or empty itself on every half-typed line.

import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { type Connection, LSPErrorCodes, ResponseError } from 'vscode-languageserver';
import { type Analysis, analyzeText, type FlowDocuments, MAX_PROBLEMS } from './documents.js';
import { uriToPath } from './paths.js';
import { GraphChangedNotification, type GraphParams, type GraphResult } from './protocol.js';
import type { Debouncer } from './scheduler.js';

/** The graph to show for a document: the current one, or the last good one while the text is broken. */
export function graphOf(docs: FlowDocuments, uri: string): GraphResult | undefined {
  const current = docs.get(uri);
  if (!current) return undefined;
  const good = docs.lastGood(uri);
  const usable = current.result !== null && current.result.flows.length > 0 && !current.syntaxErrors;
  const stale = !usable && current.flowFile && good !== undefined;
  return resultOf(stale ? good : current, stale);
}

function resultOf(a: Analysis, stale: boolean): GraphResult {
  return {
    uri: a.uri,
    file: a.file,
    version: a.version,
    flows: a.result?.flows ?? [],
    problems: (a.result?.problems ?? []).filter((p) => p.rule !== 'no-flow-class').slice(0, MAX_PROBLEMS),
    stale,
  };
}

/** `tsflow/graph`: an open document, else a `file:` URI read from disk. */
export async function handleGraphRequest(docs: FlowDocuments, params: GraphParams): Promise<GraphResult> {
  const uri = params?.textDocument?.uri;
  if (typeof uri !== 'string')
    throw new ResponseError(LSPErrorCodes.RequestFailed, 'tsflow/graph needs textDocument.uri');
  const open = graphOf(docs, uri);
  if (open) return open;
  if (!uri.startsWith('file:')) {
    throw new ResponseError(LSPErrorCodes.RequestFailed, `${uri} is not open and not a file on disk`);
  }
  let text: string;
  try {
    text = await readFile(uriToPath(uri), 'utf8');
  } catch (err) {
    throw new ResponseError(
      LSPErrorCodes.RequestFailed,
      `cannot read ${uriToPath(uri)}: ${(err as Error).message}`,
    );
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const result = resultOf(analyzeText(uri, 0, text), false);
  result.version = null;
  return result;
}

/** Pushes `tsflow/graphChanged` after edits, when the graph differs from the last one sent. */
export class GraphNotifier {
  /** Digest of the last graph sent per URI. */
  private readonly sent = new Map<string, string>();

  constructor(
    private readonly connection: Connection,
    private readonly docs: FlowDocuments,
    private readonly debouncer: Debouncer,
    private readonly delay: number,
  ) {}

  schedule(uri: string): void {
    this.debouncer.schedule(`graph:${uri}`, this.delay, () => this.send(uri));
  }

  private send(uri: string): void {
    const result = graphOf(this.docs, uri);
    if (!result) return;
    const isFlow = result.flows.length > 0;
    if (!isFlow && !this.sent.has(uri)) return; // never was a flow file: nothing to say
    // The version changes on every edit: compare the content, not the envelope (by digest: the
    // JSON of a large flow is tens of KB, not worth keeping per open document).
    const key = createHash('sha1')
      .update(JSON.stringify([result.flows, result.problems, result.stale]))
      .digest('base64');
    if (this.sent.get(uri) === key) return;
    if (isFlow) this.sent.set(uri, key);
    else this.sent.delete(uri);
    void this.connection.sendNotification(GraphChangedNotification.type, result);
  }

  /** True when a graph was sent for `uri` (so its leaving flow-file status is worth a notification). */
  hasSent(uri: string): boolean {
    return this.sent.has(uri);
  }

  forget(uri: string): void {
    this.debouncer.cancel(`graph:${uri}`);
    this.sent.delete(uri);
  }
}

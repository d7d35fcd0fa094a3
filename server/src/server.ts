// Wires the features to an LSP connection. The connection is given (stdio, IPC, or in-memory
// streams in tests), so the same server runs in VS Code, in any LSP editor through the
// standalone bin, and in the tests. Every handler is guarded: a failure is logged and answered
// with an empty result (or an `internal-error` diagnostic), never a crash, and never affects
// another document.

import {
  type CancellationToken,
  CodeActionKind,
  type CodeLens,
  type Connection,
  type DocumentSymbol,
  type Hover,
  type InitializeParams,
  type InitializeResult,
  type Location,
  type Position,
  ResponseError,
  TextDocumentSyncKind,
} from 'vscode-languageserver';
import { codeActions } from './code-actions.js';
import { codeLenses } from './codelens.js';
import { completions } from './completion.js';
import { DiagnosticsPublisher } from './diagnostics.js';
import { type Analysis, FlowDocuments } from './documents.js';
import { GraphNotifier, handleGraphRequest } from './graph.js';
import { hover } from './hover.js';
import type { Mapping } from './mapping.js';
import { definition, references } from './navigation.js';
import { GraphRequest, type InitializationOptions } from './protocol.js';
import { prepareRename, rename } from './rename.js';
import { Debouncer } from './scheduler.js';
import { documentSymbols } from './symbols.js';

export const SERVER_VERSION = '0.1.0';

export interface ServerOptions {
  /** Replaces the graph module's analyser (tests use it to make one file fail). */
  analyze?: ConstructorParameters<typeof FlowDocuments>[0];
}

export interface RunningServer {
  documents: FlowDocuments;
  dispose(): void;
}

function delayOption(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0
    ? Math.min(value, 60_000)
    : fallback;
}

/** Registers every handler on `connection` and starts listening. */
export function startServer(connection: Connection, options: ServerOptions = {}): RunningServer {
  const docs = new FlowDocuments(options.analyze);
  const debouncer = new Debouncer((key, err) =>
    connection.console.error(`tsflow: ${key} failed: ${describe(err)}`),
  );
  let diagnostics: DiagnosticsPublisher | undefined;
  let graphs: GraphNotifier | undefined;

  /** Runs a handler; a failure is logged and answered with `fallback`. Rename refusals pass through. */
  const guard = <T>(what: string, fallback: T, token: CancellationToken | undefined, fn: () => T): T => {
    if (token?.isCancellationRequested) return fallback;
    try {
      return fn();
    } catch (err) {
      if (err instanceof ResponseError) throw err;
      connection.console.error(`tsflow: ${what} failed: ${describe(err)}`);
      return fallback;
    }
  };

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    const init = (params.initializationOptions ?? {}) as InitializationOptions;
    graphs = new GraphNotifier(connection, docs, debouncer, delayOption(init.graphDelay, 250));
    diagnostics = new DiagnosticsPublisher(
      connection,
      docs,
      debouncer,
      delayOption(init.diagnosticsDelay, 15),
      (a) => {
        if (a.flowFile || graphs?.hasSent(a.uri)) graphs?.schedule(a.uri);
      },
    );
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        hoverProvider: true,
        definitionProvider: true,
        referencesProvider: true,
        documentSymbolProvider: { label: 'tsflow' },
        completionProvider: { triggerCharacters: ['.', "'", '"', '`', '(', ','], resolveProvider: false },
        renameProvider: { prepareProvider: true },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
        codeLensProvider: { resolveProvider: false },
      },
      serverInfo: { name: 'tsflow-language-server', version: SERVER_VERSION },
    };
  });

  docs.documents.onDidOpen((e) =>
    guard('open', undefined, undefined, () => diagnostics?.publishNow(e.document.uri)),
  );
  // Also fired right after onDidOpen; the publisher skips a version it already published.
  docs.documents.onDidChangeContent((e) => diagnostics?.schedule(e.document.uri));
  docs.documents.onDidClose((e) =>
    guard('close', undefined, undefined, () => {
      diagnostics?.clear(e.document.uri);
      graphs?.forget(e.document.uri);
      docs.forget(e.document.uri);
    }),
  );

  // Position-based features read the current analysis, or the last good one through a mapping
  // while the text has no recognisable flow (mapping.ts).
  const at = <T>(
    uri: string,
    pos: Position,
    ask: (a: Analysis, p: Position) => T | null,
    back: (m: Mapping, r: T) => T | null,
  ): T | null => {
    const m = docs.navigation(uri);
    const mapped = m?.toAnalysis(pos);
    if (!m || !mapped) return null;
    const result = ask(m.analysis, mapped);
    return result === null ? null : back(m, result);
  };
  connection.onHover((p, token) =>
    guard('hover', null, token, () => at(p.textDocument.uri, p.position, hover, mapHover)),
  );
  connection.onDefinition((p, token) =>
    guard('definition', null, token, () => at(p.textDocument.uri, p.position, definition, mapLocations)),
  );
  connection.onReferences((p, token) =>
    guard('references', null, token, () =>
      at(
        p.textDocument.uri,
        p.position,
        (a, pos) => references(a, pos, p.context?.includeDeclaration ?? true),
        mapLocations,
      ),
    ),
  );
  connection.onDocumentSymbol((p, token) =>
    guard('documentSymbol', [], token, () => {
      const m = docs.navigation(p.textDocument.uri);
      return m ? mapSymbols(m, documentSymbols(m.analysis)) : [];
    }),
  );
  connection.onCodeLens((p, token) =>
    guard('codeLens', [], token, () => {
      const m = docs.navigation(p.textDocument.uri);
      return m ? mapLenses(m, codeLenses(m.analysis)) : [];
    }),
  );
  connection.onCompletion((p, token) =>
    guard('completion', [], token, () => {
      const uri = p.textDocument.uri;
      const doc = docs.documents.get(uri);
      if (!doc) return [];
      return completions(docs.get(uri), docs.lastGood(uri), p.position, doc.offsetAt(p.position));
    }),
  );
  connection.onPrepareRename((p, token) =>
    guard('prepareRename', null, token, () => prepareRename(docs.get(p.textDocument.uri), p.position)),
  );
  connection.onRenameRequest((p, token) =>
    guard('rename', null, token, () => rename(docs.get(p.textDocument.uri), p.position, p.newName)),
  );
  connection.onCodeAction((p, token) =>
    guard('codeAction', [], token, () =>
      codeActions(
        docs.get(p.textDocument.uri),
        docs.documents.get(p.textDocument.uri),
        p.context.diagnostics,
        p.context.only,
      ),
    ),
  );
  connection.onRequest(GraphRequest.type, async (p) => {
    try {
      return await handleGraphRequest(docs, p);
    } catch (err) {
      if (err instanceof ResponseError) throw err;
      connection.console.error(`tsflow: tsflow/graph failed: ${describe(err)}`);
      throw new ResponseError(-32803, `tsflow/graph failed: ${(err as Error)?.message ?? String(err)}`);
    }
  });
  connection.onShutdown(() => debouncer.dispose());

  docs.documents.listen(connection);
  connection.listen();
  return { documents: docs, dispose: () => debouncer.dispose() };
}

function mapHover(m: Mapping, h: Hover): Hover | null {
  if (!h.range) return h;
  const range = m.toCurrent(h.range);
  return range ? { ...h, range } : { contents: h.contents };
}

function mapLocations(m: Mapping, locations: Location[]): Location[] | null {
  const out = locations.flatMap((l) => {
    const range = m.toCurrent(l.range);
    return range ? [{ ...l, range }] : [];
  });
  return out.length > 0 ? out : null;
}

function mapSymbols(m: Mapping, symbols: DocumentSymbol[]): DocumentSymbol[] {
  return symbols.flatMap((s) => {
    const range = m.toCurrent(s.range);
    const selectionRange = m.toCurrent(s.selectionRange);
    if (!range || !selectionRange) return [];
    const mapped: DocumentSymbol = { ...s, range, selectionRange };
    if (s.children) mapped.children = mapSymbols(m, s.children);
    return [mapped];
  });
}

function mapLenses(m: Mapping, lenses: CodeLens[]): CodeLens[] {
  return lenses.flatMap((l) => {
    const range = m.toCurrent(l.range);
    return range ? [{ ...l, range }] : [];
  });
}

function describe(err: unknown): string {
  return err instanceof Error ? (err.stack ?? err.message) : String(err);
}

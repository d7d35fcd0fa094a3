// Document URIs ↔ file-system paths. The graph module works on paths; the protocol on URIs.

import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * The path the graph module is given for a document. `file:` URIs map to their path; other schemes
 * (`untitled:`, a remote scheme) to a stable synthetic absolute path that keeps the extension,
 * which picks the script kind (`.ts`, `.tsx`, `.js`...).
 */
export function uriToPath(uri: string): string {
  if (uri.startsWith('file:')) {
    try {
      return fileURLToPath(uri);
    } catch {
      // A malformed file URI (e.g. with a host on POSIX): fall through to the synthetic path.
    }
  }
  const colon = uri.indexOf(':');
  const scheme = colon > 0 ? uri.slice(0, colon) : 'unknown';
  let rest = colon > 0 ? uri.slice(colon + 1) : uri;
  try {
    rest = decodeURIComponent(rest);
  } catch {
    // Keep it encoded.
  }
  rest = rest.replace(/^\/+/, '').replace(/[?#].*$/, '');
  return path.posix.join('/', `__${scheme.replace(/[^\w-]/g, '_')}__`, rest || 'untitled');
}

/** The URI of a path a related-information location points at (same document when it is its file). */
export function pathToUri(file: string, doc: { uri: string; file: string }): string {
  return file === doc.file ? doc.uri : pathToFileURL(file).href;
}

/** Documents the server looks at: TypeScript and JavaScript, by language id or file extension. */
export function isScript(uri: string, languageId: string | undefined): boolean {
  if (languageId && /^(typescript|javascript)(react)?$/.test(languageId)) return true;
  return /\.[cm]?[jt]sx?$/i.test(uri.replace(/[?#].*$/, ''));
}

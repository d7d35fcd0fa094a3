// The HTML shell of every webview: a strict CSP (no remote content; scripts only with this
// render's nonce; styles from the extension plus inline ones, which Mermaid and Lit inject), the
// bundle and its stylesheet through `asWebviewUri`, and nothing else: all content is built by the
// script from data it receives, never interpolated here. Pure (the caller passes the URIs).

import crypto from 'node:crypto';

/** A fresh nonce per render (32 base64url characters from 24 random bytes). */
export function makeNonce(): string {
  return crypto.randomBytes(24).toString('base64url');
}

/** Escapes text for an HTML attribute or text node. */
export function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

export interface ShellOptions {
  /** `webview.cspSource`. */
  cspSource: string;
  nonce: string;
  title: string;
  scriptUri: string;
  /**
   * Scripts the page's script loads later (with the page's nonce): fetched and compiled from
   * the start, in parallel with the page's own script and first layout.
   */
  preloadScriptUris?: string[];
  styleUri: string;
  /** Which view the bundle renders (read by the script). */
  view: 'dag' | 'artifact';
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource} data:`,
    // No nonce here: a nonce would disable 'unsafe-inline', which Mermaid's generated <style> needs.
    `style-src ${cspSource} 'unsafe-inline'`,
    `font-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
}

export function webviewShell(o: ShellOptions): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(contentSecurityPolicy(o.cspSource, o.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${escapeHtml(o.title)}</title>
<link rel="stylesheet" href="${escapeHtml(o.styleUri)}">
${(o.preloadScriptUris ?? []).map((u) => `<link rel="preload" as="script" nonce="${escapeHtml(o.nonce)}" href="${escapeHtml(u)}">\n`).join('')}</head>
<body data-view="${escapeHtml(o.view)}">
<div id="app"></div>
<script nonce="${escapeHtml(o.nonce)}" src="${escapeHtml(o.scriptUri)}"></script>
</body>
</html>`;
}

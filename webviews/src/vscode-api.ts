// The webview side of `acquireVsCodeApi()` (VS Code injects it; tests provide a stand-in).

export interface VsCodeApi<S = unknown> {
  postMessage(message: unknown): void;
  getState(): S | undefined;
  setState(state: S): void;
}

declare global {
  function acquireVsCodeApi<S = unknown>(): VsCodeApi<S>;
}

export function vscodeApi<S>(): VsCodeApi<S> {
  return acquireVsCodeApi<S>();
}

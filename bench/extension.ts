// The VS Code extension's figures (targets from issue #5):
//   activation             out/extension.js loaded and activate() run, against a stand-in `vscode`
//                          module (the real host's figure is in test-output/vscode/inhost-results.json
//                          after `npm test -- vscode`)                                target ≤ 150 ms
//   DAG first render       the panel's bundle in Chromium (real layout): script start to the first
//                          drawn graph, and message to drawn, for 10- and 100-step flows  target ≤ 500 ms
//   tree expansion         a flow with 1,000 runs expanded: runs read through the data service and
//                          mapped to tree items                                          target ≤ 300 ms
// Prints figures only; asserts nothing. Needs `npm run build` (scripts/bench.mjs builds first).

import fs from 'node:fs';
import Module from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { openFlowStore } from '../runtime/src/datastore/root.js';
import { analyzeSource } from '../runtime/src/graph/index.js';
import { linearFlow } from '../test/vscode/inhost/prepare.ts';

const root = path.resolve(import.meta.dirname, '..');
const out = path.join(root, 'out');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (ms: number) => `${ms.toFixed(1)} ms`;

/** A `vscode` module where every name is a no-op class / function / value. */
function vscodeStub(): unknown {
  const values = new WeakMap<object, Map<PropertyKey, unknown>>();
  const own = (t: object) => {
    let m = values.get(t);
    if (!m) {
      m = new Map();
      values.set(t, m);
    }
    return m;
  };
  const handler: ProxyHandler<object> = {
    set(target, prop, value) {
      own(target).set(prop, value);
      return true;
    },
    get(target, prop) {
      if (own(target).has(prop)) return own(target).get(prop);
      if (prop === 'then') return undefined;
      if (prop === Symbol.toPrimitive) return () => '';
      if (prop === 'fsPath' || prop === 'path') return root;
      if (prop === 'version') return '1.96.0';
      if (prop === 'workspaceFolders') return [{ uri: { fsPath: root, toString: () => `file://${root}` } }];
      if (prop === 'isTrusted') return true;
      const v = make(prop);
      own(target).set(prop, v);
      return v;
    },
    // `getConfiguration().get(key, default)` answers the default.
    apply: (target, _this, args) => (names.get(target) === 'get' ? args[1] : make()),
    construct: () => make() as object,
  };
  const names = new WeakMap<object, PropertyKey>();
  const make = (name?: PropertyKey): unknown => {
    const fn = function stub() {};
    if (name !== undefined) names.set(fn, name);
    return new Proxy(fn, handler);
  };
  // esbuild's import interop copies the module's own names: list every top-level name of the API.
  const dts = fs.readFileSync(path.join(root, 'node_modules', '@types', 'vscode', 'index.d.ts'), 'utf8');
  const apiNames = new Set(
    [...dts.matchAll(/^\t{1}export (?:class|namespace|enum|function|const|let) (\w+)/gm)].map((m) => m[1]!),
  );
  const api: Record<string, unknown> = {};
  for (const n of apiNames) api[n] = make(n);
  api.version = '1.96.0';
  return api;
}

function installStub(): void {
  const stub = vscodeStub();
  const load = (Module as unknown as { _load: (r: string, ...a: unknown[]) => unknown })._load;
  (Module as unknown as { _load: (r: string, ...a: unknown[]) => unknown })._load = function (
    request: string,
    ...rest: unknown[]
  ) {
    if (request === 'vscode') return stub;
    return load.call(this, request, ...rest);
  };
}

async function activation(): Promise<void> {
  installStub();
  const require = Module.createRequire(import.meta.url);
  const t0 = performance.now();
  const ext = require(path.join(out, 'extension.js')) as { activate(ctx: unknown): { activationMs: number } };
  const loaded = performance.now();
  const api = ext.activate({ subscriptions: [], extensionUri: { fsPath: root } });
  const done = performance.now();
  console.log(
    `activation: ${fmt(done - t0)} (load ${fmt(loaded - t0)}, activate() ${fmt(api.activationMs)}; stand-in vscode API)   target ≤ 150 ms`,
  );
  const inhost = path.join(root, 'test-output', 'vscode', 'inhost-results.json');
  if (fs.existsSync(inhost)) {
    const r = JSON.parse(fs.readFileSync(inhost, 'utf8'));
    const a = r.extra?.activation;
    if (a)
      console.log(
        `activation in VS Code ${r.vscodeVersion} (last vscode tier run): activate() ${fmt(a.activateFunctionMs)}`,
      );
  }
}

async function dagRender(): Promise<void> {
  const chromium = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((p) =>
    fs.existsSync(p),
  );
  if (!chromium) {
    console.log('DAG first render: SKIPPED (no Chromium; apt-get install chromium)');
    return;
  }
  const { chromium: pw } = await import('playwright-core');
  const browser = await pw.launch({
    executablePath: chromium,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu'],
  });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsflow-bench-dag-'));
  try {
    fs.copyFileSync(path.join(out, 'webviews', 'dag.js'), path.join(dir, 'dag.js'));
    fs.copyFileSync(path.join(out, 'webviews', 'dag.css'), path.join(dir, 'dag.css'));
    fs.writeFileSync(
      path.join(dir, 'index.html'),
      `<!DOCTYPE html><html><head><link rel="stylesheet" href="dag.css"></head><body class="vscode-dark"><div id="app"></div>
<script>window.__posted=[];window.acquireVsCodeApi=()=>({postMessage:(m)=>window.__posted.push({...m,at:performance.now()}),getState:()=>undefined,setState:()=>{}});window.__t0=performance.now();</script>
<script src="dag.js"></script></body></html>`,
    );
    for (const n of [10, 100]) {
      const graph = analyzeSource('/flows/f.ts', linearFlow(`Flow${n}`, n)).flows[0]!;
      const firsts: number[] = [];
      const renders: number[] = [];
      for (let i = 0; i < 5; i++) {
        const page = await browser.newPage({ viewport: { width: 1000, height: 800 } });
        await page.goto(pathToFileURL(path.join(dir, 'index.html')).href);
        await page.waitForFunction(() =>
          (globalThis as unknown as { __posted: { type: string }[] }).__posted.some(
            (m) => m.type === 'ready',
          ),
        );
        const r = await page.evaluate(async (g) => {
          const w = globalThis as unknown as {
            __posted: { type: string; at: number; nodes?: number }[];
            __t0: number;
            postMessage(m: unknown, origin: string): void;
          };
          const sent = performance.now();
          w.postMessage({ type: 'graph', graph: g, stale: false, problems: [] }, '*');
          for (;;) {
            const done = w.__posted.find((m) => m.type === 'rendered');
            if (done) return { first: done.at - w.__t0, render: done.at - sent, nodes: done.nodes };
            await new Promise((res) => setTimeout(res, 5));
          }
        }, graph);
        if (r.nodes !== n) throw new Error(`rendered ${r.nodes} nodes, expected ${n}`);
        firsts.push(r.first);
        renders.push(r.render);
        await page.close();
      }
      console.log(
        `DAG first render, ${n} steps: ${fmt(median(firsts))} from script start (${fmt(median(renders))} from the graph message; median of 5)   target ≤ 500 ms`,
      );
    }
  } finally {
    await browser.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function treeExpansion(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsflow-bench-tree-'));
  try {
    const store = openFlowStore(dir, 'BigFlow');
    const t = Date.now() - 1000 * 60_000;
    for (let i = 0; i < 1000; i++) {
      const run = await store.createRun({
        flow: 'BigFlow',
        file: '/flows/big.ts',
        user: 'ada',
        tags: i % 10 === 0 ? ['gold'] : [],
        systemTags: ['user:ada'],
        createdAt: t + i * 60_000,
        parameters: {},
        host: 'laptop',
        pid: 1,
      });
      await store.writeRunStatus(run.runId, {
        status: 'succeeded',
        heartbeatAt: t + i * 60_000 + 5000,
        finishedAt: t + i * 60_000 + 5000,
      });
    }
    // The tree provider from source (its `vscode` import gets the stand-in from activation()).
    const require = Module.createRequire(import.meta.url);
    const { RunsDataService } =
      require('../client/src/runs/data.ts') as typeof import('../client/src/runs/data.ts');
    const { RunsTreeProvider } =
      require('../client/src/runs/tree.ts') as typeof import('../client/src/runs/tree.ts');
    const expand = async (limit: number | undefined, again: boolean) => {
      const times: number[] = [];
      for (let i = 0; i < 5; i++) {
        const data = new RunsDataService({ root: () => dir });
        if (limit) data.runLimits.set('BigFlow', limit);
        const tree = new RunsTreeProvider(data);
        const [flow] = await tree.getChildren();
        if (again) await tree.getChildren(flow);
        const t0 = performance.now();
        const runs = await tree.getChildren(flow);
        for (const r of runs) tree.getTreeItem(r);
        times.push(performance.now() - t0);
      }
      return median(times);
    };
    console.log(
      `tree: expand a flow with 1,000 runs (the newest 100 and "Show 100 more…"): ${fmt(await expand(undefined, false))}, median of 5 cold   target ≤ 300 ms`,
    );
    console.log(
      `tree: the same flow listing all 1,000 runs: ${fmt(await expand(1000, false))} cold, ${fmt(await expand(1000, true))} refreshed (finished runs cached)`,
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// `npm run bench -- extension [activation|tree|dag]…`: some parts only.
const parts = process.argv.slice(2);
const want = (p: string) => parts.length === 0 || parts.includes(p);
if (want('activation') || want('tree')) await activation();
if (want('tree')) await treeExpansion();
if (want('dag')) await dagRender();

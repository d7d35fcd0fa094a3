// The webview message contracts (what the extension accepts from a webview), the webview HTML
// shell (CSP, nonce, escaping), the Run flow parameter input, the refresh debouncer, the texts
// shown in the tree / status bar / step lenses, and the terminal colouring.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { colorize, toTerminal } from '../../../client/src/ansi.js';
import { Debouncer, type Timers } from '../../../client/src/debounce.js';
import { formatDuration, progressText, stepStatusText } from '../../../client/src/format.js';
import {
  contentSecurityPolicy,
  escapeHtml,
  makeNonce,
  webviewShell,
} from '../../../client/src/panels/html.js';
import { initialValue, paramArgs, validateParam } from '../../../client/src/params.js';
import type { RunProgress, StepItem } from '../../../client/src/runs/data.js';
import type { ParameterInfo } from '../../../runtime/src/graph/types.js';
import { MAX_SVG_BYTES, parseFromArtifact, parseFromDag } from '../../../webviews/src/messages.js';

describe('messages from webviews', () => {
  it('accepts the DAG panel messages', () => {
    assert.deepEqual(parseFromDag({ type: 'ready' }), { type: 'ready' });
    assert.deepEqual(parseFromDag({ type: 'openStep', step: 'join' }), { type: 'openStep', step: 'join' });
    assert.deepEqual(parseFromDag({ type: 'selectRun' }), { type: 'selectRun' });
    assert.deepEqual(parseFromDag({ type: 'exportSvg', svg: '<svg></svg>' }), {
      type: 'exportSvg',
      svg: '<svg></svg>',
    });
    assert.deepEqual(parseFromDag({ type: 'rendered', nodes: 5, ms: 12.5 }), {
      type: 'rendered',
      nodes: 5,
      ms: 12.5,
    });
    assert.deepEqual(parseFromDag({ type: 'rendered', nodes: 5, ms: 12.5, at: 300 }), {
      type: 'rendered',
      nodes: 5,
      ms: 12.5,
      at: 300,
    });
    assert.deepEqual(parseFromDag({ type: 'rendered', nodes: 5, ms: 12.5, at: '300' }), {
      type: 'rendered',
      nodes: 5,
      ms: 12.5,
    });
  });

  it('drops anything else, and strips extra fields', () => {
    for (const bad of [
      null,
      'ready',
      42,
      {},
      { type: 'openStep' },
      { type: 'openStep', step: 7 },
      { type: 'openStep', step: '' },
      { type: 'openStep', step: 'x'.repeat(600) },
      { type: 'exportSvg', svg: '<script>alert(1)</script>' },
      { type: 'exportSvg', svg: `<svg>${'x'.repeat(MAX_SVG_BYTES)}</svg>` },
      { type: 'rendered', nodes: '5', ms: 1 },
      { type: 'runCommand', command: 'rm -rf /' },
    ]) {
      assert.equal(parseFromDag(bad), undefined, JSON.stringify(bad)?.slice(0, 80));
    }
    assert.deepEqual(parseFromDag({ type: 'openStep', step: 'a', extra: 'x' }), {
      type: 'openStep',
      step: 'a',
    });
  });

  it('accepts the artifact viewer messages and rejects bad offsets', () => {
    assert.deepEqual(parseFromArtifact({ type: 'ready' }), { type: 'ready' });
    assert.deepEqual(parseFromArtifact({ type: 'loadPage', offset: 200 }), { type: 'loadPage', offset: 200 });
    for (const offset of [-1, 1.5, '200', Number.NaN, 2 ** 60, undefined]) {
      assert.equal(parseFromArtifact({ type: 'loadPage', offset }), undefined, String(offset));
    }
    assert.equal(parseFromArtifact({ type: 'page' }), undefined);
  });
});

describe('webview HTML shell', () => {
  it('has a strict CSP: nothing remote, scripts by nonce only, no eval', () => {
    const csp = contentSecurityPolicy('https://file+.vscode-resource.vscode-cdn.net', 'abc123');
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'nonce-abc123'(;|$)/);
    assert.doesNotMatch(csp, /unsafe-eval/);
    assert.doesNotMatch(csp, /script-src[^;]*unsafe-inline/);
    assert.doesNotMatch(csp, /https?:\/\/(?!file\+)/);
    // Mermaid's inline styles need 'unsafe-inline', which a style nonce would cancel.
    assert.match(csp, /style-src \S+ 'unsafe-inline'/);
    assert.doesNotMatch(csp, /style-src[^;]*nonce/);
  });

  it('escapes everything it interpolates, and makes fresh nonces', () => {
    const html = webviewShell({
      cspSource: 'vscode-resource:',
      nonce: makeNonce(),
      title: '</title><script>alert(1)</script>',
      scriptUri: 'x" onload="alert(1)',
      styleUri: 's.css',
      view: 'dag',
    });
    assert.doesNotMatch(html, /<script>alert/);
    assert.doesNotMatch(html, /" onload="/);
    assert.equal((html.match(/<script /g) ?? []).length, 1);
    const preloading = webviewShell({
      cspSource: 'vscode-resource:',
      nonce: 'n1',
      title: 't',
      scriptUri: 'dag.js',
      preloadScriptUris: ['m.js" onload="alert(1)'],
      styleUri: 's.css',
      view: 'dag',
    });
    assert.match(
      preloading,
      /<link rel="preload" as="script" nonce="n1" href="m\.js&quot; onload=&quot;alert\(1\)">/,
    );
    assert.equal(escapeHtml(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    const a = makeNonce();
    assert.match(a, /^[A-Za-z0-9_-]{32}$/);
    assert.notEqual(a, makeNonce());
  });
});

const param = (p: Partial<ParameterInfo>): ParameterInfo =>
  ({ field: 'x', name: 'x', type: 'string', required: false, range: null, ...p }) as unknown as ParameterInfo;

describe('Run flow parameters', () => {
  it('starts each box with the literal default', () => {
    assert.equal(initialValue(param({ type: 'number', defaultValue: 0.5 })), '0.5');
    assert.equal(initialValue(param({ defaultValue: 'hi' })), 'hi');
    assert.equal(initialValue(param({ type: 'json', defaultValue: { a: [1] } })), '{"a":[1]}');
    assert.equal(initialValue(param({ type: null, defaultText: 'compute()' })), '');
  });

  it('validates as the runtime parses', () => {
    const num = param({ name: 'alpha', type: 'number', defaultValue: 0.5 });
    assert.equal(validateParam(num, '0.7'), undefined);
    assert.equal(validateParam(num, '1e3'), undefined);
    assert.match(validateParam(num, 'abc')!, /takes a number/);
    assert.match(validateParam(param({ type: 'boolean' }), 'yes')!, /true or false/);
    assert.equal(validateParam(param({ type: 'boolean' }), 'TRUE'), undefined);
    assert.match(validateParam(param({ type: 'json' }), '{bad')!, /takes JSON/);
    assert.match(validateParam(param({ name: 'n', required: true }), ' ')!, /--n is required/);
    assert.equal(validateParam(param({}), ''), undefined);
  });

  it('passes only changed or required values, as --name=value argv entries', () => {
    const params = [
      param({ name: 'alpha', type: 'number', defaultValue: 0.5 }),
      param({ name: 'label', type: 'string', defaultValue: 'x' }),
      param({ name: 'need', type: 'string', required: true }),
    ];
    const values = new Map([
      ['alpha', '0.5'],
      ['label', '--rm -rf $(whoami)'],
      ['need', 'v'],
    ]);
    assert.deepEqual(paramArgs(params, values), ['--label=--rm -rf $(whoami)', '--need=v']);
  });
});

describe('refresh debouncer', () => {
  function fakeTimers() {
    let now = 0;
    let next = 1;
    const pending = new Map<number, { at: number; fn: () => void }>();
    const timers: Timers = {
      set: (fn, ms) => {
        pending.set(next, { at: now + ms, fn });
        return next++;
      },
      clear: (h) => pending.delete(h as number),
      now: () => now,
    };
    const advance = (ms: number) => {
      const end = now + ms;
      for (;;) {
        const due = [...pending.entries()]
          .filter(([, t]) => t.at <= end)
          .sort((a, b) => a[1].at - b[1].at)[0];
        if (!due) break;
        now = due[1].at;
        pending.delete(due[0]);
        due[1].fn();
      }
      now = end;
    };
    return { timers, advance };
  }

  it('coalesces a burst into one call after the quiet delay', () => {
    const { timers, advance } = fakeTimers();
    let calls = 0;
    const d = new Debouncer(() => calls++, 300, 1000, timers);
    for (let i = 0; i < 10; i++) {
      d.trigger();
      advance(50);
    }
    assert.equal(calls, 0);
    advance(300);
    assert.equal(calls, 1);
  });

  it('still fires every maxWait while events keep coming (live, but no storm)', () => {
    const { timers, advance } = fakeTimers();
    let calls = 0;
    const d = new Debouncer(() => calls++, 300, 1000, timers);
    for (let i = 0; i < 100; i++) {
      d.trigger();
      advance(100);
    }
    // 10 s of events every 100 ms: about one refresh a second.
    assert.ok(calls >= 9 && calls <= 11, `calls: ${calls}`);
    d.dispose();
    d.trigger();
    advance(2000);
    assert.ok(calls <= 11);
  });
});

describe('texts', () => {
  const step = (s: Partial<StepItem>): StepItem =>
    ({
      kind: 'step',
      name: 'join',
      status: 'done',
      counts: { total: 6, done: 6, running: 0, failed: 0 },
      durationMs: 1234,
      ...s,
    }) as StepItem;

  it('step status lenses', () => {
    assert.equal(stepStatusText(step({})), '✓ 6 tasks · 1.2 s');
    assert.equal(
      stepStatusText(step({ counts: { total: 1, done: 1, running: 0, failed: 0 }, durationMs: 40 })),
      '✓ 1 task · 40 ms',
    );
    assert.equal(
      stepStatusText(step({ status: 'failed', error: 'Error: bad\nitem' })),
      '✗ failed: Error: bad item',
    );
    assert.match(
      stepStatusText(step({ status: 'running', counts: { total: 6, done: 2, running: 4, failed: 0 } })),
      /2\/6/,
    );
  });

  it('durations and the status bar', () => {
    assert.equal(formatDuration(999), '999 ms');
    assert.equal(formatDuration(61_000), '1 min 1 s');
    assert.equal(formatDuration(3_700_000), '1 h 1 min');
    const p = {
      pathspec: 'PetsFlow/7',
      status: 'running',
      stepsDone: 2,
      stepsTotal: 5,
      counts: { total: 4, done: 3, running: 1, failed: 0 },
    } as RunProgress;
    assert.equal(progressText(p), '$(sync~spin) PetsFlow/7: 2/5 steps · 3 tasks done, 1 running');
    assert.match(
      progressText({ ...p, status: 'failed', counts: { ...p.counts, failed: 1 } }),
      /^\$\(error\).*1 failed$/,
    );
  });

  it('colours run console lines for the terminal', () => {
    const line = '2026-11-26 11:20:29.174 [17/start/1 (pid 12187)] Task finished successfully.';
    const E = '\x1b[';
    assert.equal(
      colorize(line, 'stdout'),
      `${E}2m2026-11-26 11:20:29.174${E}0m ${E}36m[17/start/1 (pid 12187)]${E}0m ${E}32mTask finished successfully.${E}0m`,
    );
    assert.equal(colorize('boom', 'stderr'), `${E}31mboom${E}0m`);
    assert.equal(colorize('\x1b[1malready\x1b[0m', 'stdout'), '\x1b[1malready\x1b[0m');
    assert.equal(toTerminal('a\nb\r\nc'), 'a\r\nb\r\nc');
  });
});

// The artifact viewer's page in jsdom: every renderer, paging, sorting, and escaping: values that
// hold markup render as text and never become elements.

import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { JSDOM } from 'jsdom';
import { pageOf } from '../../client/src/runs/data.ts';
import type { ArtifactPage, FromArtifactMessage } from '../../webviews/src/messages.ts';
import { renderPage } from '../../webviews/src/artifact/render.ts';

const EVIL = '<img src=x onerror=alert(1)>';

let dom: JSDOM;
let doc: Document;
let root: HTMLElement;
let posted: FromArtifactMessage[];

beforeEach(() => {
  dom = new JSDOM('<!DOCTYPE html><body><div id="app"></div></body>', { runScripts: 'outside-only' });
  doc = dom.window.document;
  root = doc.getElementById('app')!;
  posted = [];
});

const render = (value: unknown, type = 'x', offset = 0) =>
  renderPage(doc, root, pageOf('Flow/1/step/2/art', type, 10, value, offset), (m) => posted.push(m));

/** No element anywhere that markup in data could have created. */
function assertNoInjectedElements(): void {
  assert.equal(root.querySelectorAll('img, script, iframe, object, embed, [onerror], [onload]').length, 0);
}

describe('artifact viewer (jsdom)', () => {
  it('shows a string holding markup as text', () => {
    render(EVIL, 'string');
    assertNoInjectedElements();
    assert.equal(root.querySelector('pre.text')?.textContent, EVIL);
    assert.ok(root.textContent!.includes(EVIL));
  });

  it('escapes markup in table cells and column names', () => {
    render(
      [
        { name: EVIL, n: 1 },
        { name: 'b', n: 2, [EVIL]: 'k' },
      ],
      'Array(2)',
    );
    assertNoInjectedElements();
    const headers = [...root.querySelectorAll('vscode-table-header-cell')].map((h) => h.textContent);
    assert.deepEqual(headers, ['#', 'name', 'n', EVIL]);
    const firstRow = [...root.querySelectorAll('vscode-table-row')][0]!;
    assert.equal(firstRow.querySelectorAll('vscode-table-cell')[1]!.textContent, EVIL);
  });

  it('escapes markup in tree keys and values (objects and Maps)', () => {
    render({ [EVIL]: EVIL, nested: { deep: [EVIL] } }, 'Object');
    render(new Map([[EVIL, { x: EVIL }]]), 'Map(1)');
    assertNoInjectedElements();
    assert.ok(root.querySelector('vscode-tree')!.textContent!.includes(EVIL));
  });

  it('renders arrays of records as a sortable table', () => {
    render(
      [
        { name: 'cats', n: 3 },
        { name: 'dogs', n: 10 },
        { name: 'owls', n: 2 },
      ],
      'Array(3)',
    );
    const col = (i: number) =>
      [...root.querySelectorAll('vscode-table-row')].map(
        (r) => r.querySelectorAll('vscode-table-cell')[i]!.textContent,
      );
    assert.deepEqual(col(1), ['cats', 'dogs', 'owls']);
    const nHeader = [...root.querySelectorAll('vscode-table-header-cell')].find(
      (h) => h.textContent === 'n',
    )!;
    nHeader.dispatchEvent(new dom.window.Event('click'));
    assert.deepEqual(col(2), ['2', '3', '10']);
    assert.equal(nHeader.getAttribute('data-sort'), 'asc');
    nHeader.dispatchEvent(new dom.window.Event('click'));
    assert.deepEqual(col(2), ['10', '3', '2']);
  });

  it('pages large collections: the pager asks the extension for the next page', () => {
    const rows = Array.from({ length: 450 }, (_, i) => ({ i }));
    render(rows, 'Array(450)', 200);
    assert.match(root.querySelector('.pager .range')!.textContent!, /items 201–400 of 450/);
    // Row numbers continue from the page's offset.
    assert.equal(root.querySelector('vscode-table-row vscode-table-cell')!.textContent, '200');
    root.querySelector('.pager .next')!.dispatchEvent(new dom.window.Event('click'));
    root.querySelector('.pager .prev')!.dispatchEvent(new dom.window.Event('click'));
    assert.deepEqual(posted, [
      { type: 'loadPage', offset: 400 },
      { type: 'loadPage', offset: 0 },
    ]);
    render(rows, 'Array(450)', 0);
    assert.ok(root.querySelector('.pager .prev')!.hasAttribute('disabled'));
  });

  it('charts numeric arrays and typed arrays', () => {
    render([3, 1, 4, 1, 5], 'Array(5)');
    assert.match(root.querySelector('.chart .stats')!.textContent!, /n = 5 · min 1 · max 5 · mean 2.8/);
    assert.equal(root.querySelectorAll('.chart svg rect.bar').length, 5);
    render(
      new Float64Array(500).map((_, i) => Math.sin(i)),
      'Float64Array(500)',
    );
    assert.ok(root.querySelector('.chart svg path.line'));
    assert.match(root.querySelector('.pager .range')!.textContent!, /of 500/);
  });

  it('shows PNG buffers as images from a data: URL, and refuses other image data', () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
    render(png, 'Buffer');
    const img = root.querySelector('.image img') as HTMLImageElement;
    assert.ok(img);
    assert.equal(img.getAttribute('src'), `data:image/png;base64,${png.toString('base64')}`);
    const forged: ArtifactPage = {
      pathspec: 'F/1/s/2/a',
      type: 'Buffer',
      size: 1,
      offset: 0,
      total: null,
      value: null,
      view: 'image',
      image: { mime: 'image/png', base64: '" onerror="alert(1)' },
    };
    renderPage(doc, root, forged, () => {});
    assertNoInjectedElements();
  });

  it('shows scalars and special values', () => {
    render(42n, 'bigint');
    assert.equal(root.querySelector('pre.scalar')!.textContent, '42n');
    render(new Date(0), 'Date');
    assert.equal(root.querySelector('pre.text')!.textContent, '1970-01-01T00:00:00.000Z');
    render(new Set(['a', EVIL]), 'Set(2)');
    assertNoInjectedElements();
  });
});

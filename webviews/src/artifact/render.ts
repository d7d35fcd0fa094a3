// The artifact viewer's page, built with DOM calls only: every value from the datastore is set
// with textContent (or as an attribute value that is not a URL), never parsed as HTML, so an
// artifact holding markup shows as text. Components are @vscode-elements/elements (table, tree,
// buttons); in jsdom (tests) they stay plain unknown elements with the same structure.

import type { ArtifactPage, FromArtifactMessage } from '../messages.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const MAX_TREE_NODES = 5000;
const MAX_COLUMNS = 50;

/** A short one-line text of a value in `artifactToJSON` form. */
export function preview(v: unknown, max = 120): string {
  let s: string;
  if (v === null) s = 'null';
  else if (typeof v === 'string') s = JSON.stringify(v);
  else if (typeof v !== 'object') s = String(v);
  else {
    const o = v as Record<string, unknown>;
    if ('$bigint' in o) s = `${String(o.$bigint)}n`;
    else if ('$number' in o) s = String(o.$number);
    else if ('$undefined' in o) s = 'undefined';
    else if ('$regexp' in o) s = String(o.$regexp);
    else if ('$date' in o) s = String(o.$date);
    else if ('$more' in o && Object.keys(o).length === 1) s = `… ${String(o.$more)} more`;
    else if ('$map' in o && Array.isArray(o.$map)) s = `Map(${o.$map.length})`;
    else if ('$set' in o && Array.isArray(o.$set)) s = `Set(${o.$set.length})`;
    else if ('$type' in o) s = `${String(o.$type)}(${String(o.length)})`;
    else if ('$error' in o)
      s = `${String((o.$error as Record<string, unknown>)?.name)}: ${String((o.$error as Record<string, unknown>)?.message)}`;
    else if ('$circular' in o) s = `[circular ${String(o.$circular)}]`;
    else if (Array.isArray(v)) s = `Array(${v.length})`;
    else s = JSON.stringify(v) ?? '';
  }
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

function el<K extends string>(doc: Document, tag: K, cls?: string, text?: string): HTMLElement {
  const e = doc.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

/** Children of a value for the tree: [label, value] pairs. */
function childrenOf(v: unknown): [string, unknown][] | undefined {
  if (v === null || typeof v !== 'object') return undefined;
  if (Array.isArray(v)) return v.map((x, i) => [String(i), x]);
  const o = v as Record<string, unknown>;
  if (Array.isArray(o.$map))
    return (o.$map as unknown[]).map((e, i): [string, unknown] =>
      Array.isArray(e) ? [preview(e[0], 60), e[1]] : [`(${i})`, e],
    );
  if (Array.isArray(o.$set)) return (o.$set as unknown[]).map((x, i) => [String(i), x]);
  if (typeof o.$type === 'string' && Array.isArray(o.values))
    return (o.values as unknown[]).map((x, i) => [String(i), x]);
  if ('$error' in o && typeof o.$error === 'object') return Object.entries(o.$error as object);
  if (Object.keys(o).some((k) => k.startsWith('$')) && Object.keys(o).length <= 2 && !('$more' in o))
    return undefined;
  return Object.entries(o);
}

export function renderTree(doc: Document, value: unknown, offset = 0): HTMLElement {
  const tree = el(doc, 'vscode-tree', 'value-tree');
  let budget = MAX_TREE_NODES;
  const item = (label: string, v: unknown, depth: number): HTMLElement => {
    budget--;
    const it = el(doc, 'vscode-tree-item');
    const kids = childrenOf(v);
    const name = el(doc, 'span', 'key', label);
    const val = el(doc, 'span', 'value', kids ? ` ${preview(v, 80)}` : `: ${preview(v)}`);
    it.append(name, val);
    if (kids && kids.length > 0) {
      if (depth < 1) it.setAttribute('open', '');
      for (const [k, x] of kids) {
        if (budget <= 0) {
          it.append(Object.assign(el(doc, 'vscode-tree-item'), { textContent: '… (more not shown)' }));
          break;
        }
        it.append(item(k, x, depth + 1));
      }
    }
    return it;
  };
  const kids = childrenOf(value);
  if (kids) {
    for (const [k, x] of kids) {
      if (budget <= 0) break;
      const label = Array.isArray(value) && /^\d+$/.test(k) ? String(Number(k) + offset) : k;
      tree.append(item(label, x, 0));
    }
  } else tree.append(item('value', value, 0));
  return tree;
}

/** Cell text of a table value. */
export function cellText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === null || typeof v !== 'object') return String(v);
  return preview(v, 200);
}

export function compareCells(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (a === undefined || a === null) return b === undefined || b === null ? 0 : 1;
  if (b === undefined || b === null) return -1;
  const sa = cellText(a);
  const sb = cellText(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

export function renderTable(doc: Document, rows: Record<string, unknown>[], offset = 0): HTMLElement {
  const columns: string[] = [];
  for (const r of rows)
    for (const k of Object.keys(r)) if (!columns.includes(k) && columns.length < MAX_COLUMNS) columns.push(k);
  const wrap = el(doc, 'div', 'table-wrap');
  const table = el(doc, 'vscode-table', 'value-table');
  table.setAttribute('zebra', '');
  table.setAttribute('bordered-columns', '');
  table.setAttribute('resizable', '');
  const header = el(doc, 'vscode-table-header');
  header.setAttribute('slot', 'header');
  const body = el(doc, 'vscode-table-body');
  body.setAttribute('slot', 'body');
  let sort: { col: string; dir: 1 | -1 } | undefined;
  const order = rows.map((_, i) => i);
  const fill = () => {
    body.replaceChildren(
      ...order.map((i) => {
        const row = el(doc, 'vscode-table-row');
        row.append(el(doc, 'vscode-table-cell', 'index', String(offset + i)));
        for (const c of columns) row.append(el(doc, 'vscode-table-cell', undefined, cellText(rows[i]![c])));
        return row;
      }),
    );
  };
  const headers = ['#', ...columns].map((c, ci) => {
    const h = el(doc, 'vscode-table-header-cell', 'sortable', c);
    h.title = ci === 0 ? 'Row' : `Sort this page by ${c}`;
    if (ci > 0) {
      h.addEventListener('click', () => {
        sort = sort?.col === c ? { col: c, dir: sort.dir === 1 ? -1 : 1 } : { col: c, dir: 1 };
        const s = sort;
        order.sort((a, b) => s.dir * compareCells(rows[a]![s.col], rows[b]![s.col]) || a - b);
        for (const x of headers) x.removeAttribute('data-sort');
        h.setAttribute('data-sort', s.dir === 1 ? 'asc' : 'desc');
        fill();
      });
    }
    return h;
  });
  header.append(...headers);
  fill();
  table.append(header, body);
  wrap.append(table);
  return wrap;
}

/** A line chart of numbers (SVG built node by node), with count / min / max / mean. */
export function renderChart(doc: Document, values: number[], offset = 0): HTMLElement {
  const wrap = el(doc, 'div', 'chart');
  const finite = values.filter((x) => Number.isFinite(x));
  const min = Math.min(...finite);
  const max = Math.max(...finite);
  const mean = finite.reduce((a, b) => a + b, 0) / Math.max(1, finite.length);
  const fmt = (x: number) => (Number.isInteger(x) ? String(x) : x.toPrecision(6));
  wrap.append(
    el(doc, 'div', 'stats', `n = ${values.length} · min ${fmt(min)} · max ${fmt(max)} · mean ${fmt(mean)}`),
  );
  const NS = 'http://www.w3.org/2000/svg';
  const W = 640;
  const H = 240;
  const P = 36;
  const svg = doc.createElementNS(NS, 'svg');
  svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
  svg.setAttribute('class', 'chart-svg');
  svg.setAttribute('role', 'img');
  const span = max - min || 1;
  const x = (i: number) => P + (values.length <= 1 ? 0 : (i / (values.length - 1)) * (W - 2 * P));
  const y = (v: number) => H - P - ((v - min) / span) * (H - 2 * P);
  const axis = doc.createElementNS(NS, 'path');
  axis.setAttribute('d', `M${P} ${P / 2} V${H - P} H${W - P / 2}`);
  axis.setAttribute('class', 'axis');
  svg.append(axis);
  for (const [v, yy] of [
    [max, y(max)],
    [min, y(min)],
  ] as const) {
    const t = doc.createElementNS(NS, 'text');
    t.setAttribute('x', String(P - 4));
    t.setAttribute('y', String(yy + 4));
    t.setAttribute('text-anchor', 'end');
    t.setAttribute('class', 'tick');
    t.textContent = fmt(v);
    svg.append(t);
  }
  if (values.length <= 60) {
    const bw = Math.max(1, (W - 2 * P) / values.length - 2);
    values.forEach((v, i) => {
      if (!Number.isFinite(v)) return;
      const r = doc.createElementNS(NS, 'rect');
      const base = y(Math.max(min, Math.min(0, max)));
      const top = y(v);
      r.setAttribute('x', String(P + i * ((W - 2 * P) / values.length) + 1));
      r.setAttribute('y', String(Math.min(top, base)));
      r.setAttribute('width', String(bw));
      r.setAttribute('height', String(Math.max(1, Math.abs(base - top))));
      r.setAttribute('class', 'bar');
      const tip = doc.createElementNS(NS, 'title');
      tip.textContent = `[${offset + i}] ${fmt(v)}`;
      r.append(tip);
      svg.append(r);
    });
  } else {
    const line = doc.createElementNS(NS, 'path');
    const d = values
      .map((v, i) =>
        Number.isFinite(v) ? `${i === 0 ? 'M' : 'L'}${x(i).toFixed(1)} ${y(v).toFixed(1)}` : '',
      )
      .join(' ');
    line.setAttribute('d', d);
    line.setAttribute('class', 'line');
    svg.append(line);
  }
  wrap.append(svg);
  return wrap;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export function renderImage(doc: Document, mime: string, base64: string): HTMLElement {
  const wrap = el(doc, 'div', 'image');
  if ((mime !== 'image/png' && mime !== 'image/jpeg') || !BASE64.test(base64)) {
    wrap.textContent = 'not a PNG or JPEG image';
    return wrap;
  }
  const img = doc.createElement('img');
  img.alt = 'artifact image';
  img.src = `data:${mime};base64,${base64}`;
  wrap.append(img);
  return wrap;
}

export function numbersOf(value: unknown): number[] | undefined {
  if (Array.isArray(value) && value.every((x) => typeof x === 'number')) return value as number[];
  const o = value as Record<string, unknown> | null;
  if (o && typeof o === 'object' && typeof o.$type === 'string' && Array.isArray(o.values)) {
    return (o.values as unknown[]).map((x) =>
      typeof x === 'number' ? x : typeof x === 'string' ? Number(x) : Number.NaN,
    );
  }
  return undefined;
}

/** Renders one page into `root` (replacing what was there). */
export function renderPage(
  doc: Document,
  root: HTMLElement,
  page: ArtifactPage,
  post: (m: FromArtifactMessage) => void,
): void {
  const header = el(doc, 'div', 'header');
  header.append(
    el(doc, 'span', 'pathspec', page.pathspec),
    el(doc, 'span', 'type', `${page.type} · ${page.size} bytes serialized`),
  );
  const parts: HTMLElement[] = [header];
  if (page.total !== null) {
    const count = Array.isArray(page.value)
      ? page.value.length
      : (numbersOf(page.value)?.length ?? childrenOf(page.value)?.length ?? 0);
    const pager = el(doc, 'div', 'pager');
    const prev = el(doc, 'vscode-button', 'prev', '‹ Previous');
    const next = el(doc, 'vscode-button', 'next', 'Next ›');
    const first = page.offset;
    const last = page.offset + count;
    if (first <= 0) prev.setAttribute('disabled', '');
    if (last >= page.total) next.setAttribute('disabled', '');
    prev.addEventListener('click', () => {
      if (first > 0) post({ type: 'loadPage', offset: Math.max(0, first - Math.max(count, 1)) });
    });
    next.addEventListener('click', () => {
      if (last < page.total!) post({ type: 'loadPage', offset: last });
    });
    pager.append(
      prev,
      el(doc, 'span', 'range', `items ${first + (count > 0 ? 1 : 0)}–${last} of ${page.total}`),
      next,
    );
    parts.push(pager);
  }
  let body: HTMLElement;
  switch (page.view) {
    case 'image':
      body = page.image
        ? renderImage(doc, page.image.mime, page.image.base64)
        : el(doc, 'div', 'empty', 'no image');
      break;
    case 'table':
      body = renderTable(doc, page.value as Record<string, Json>[], page.offset);
      break;
    case 'chart': {
      const nums = numbersOf(page.value);
      body = el(doc, 'div', 'chart-and-tree');
      if (nums) body.append(renderChart(doc, nums, page.offset));
      body.append(renderTree(doc, page.value, page.offset));
      break;
    }
    case 'text':
      body = el(doc, 'pre', 'text', String(page.value));
      break;
    case 'scalar':
      body = el(doc, 'pre', 'scalar', preview(page.value, 10_000));
      break;
    default:
      body = renderTree(doc, page.value, page.offset);
  }
  parts.push(body);
  root.replaceChildren(...parts);
}

export function renderError(doc: Document, root: HTMLElement, message: string): void {
  root.replaceChildren(el(doc, 'div', 'error', message));
}

// The whole-drawing pass of the DAG panel's sanitising, before a drawing is shown: on the live
// drawing Mermaid left in the page (which was in the page while Mermaid drew it, as Mermaid's
// temporary element always is) or on the parsed SVG of a drawing the extension kept. What Mermaid
// draws for the panel is plain SVG: shapes, SVG text set as text, markers, a gradient and a shadow
// filter, and one <style> of theme CSS. Everything else goes: any element outside that list (scripts,
// <foreignObject> and the HTML it could hold, links, images, <use>, animations, which can set
// attributes), event-handler and link attributes, attributes in foreign namespaces, and values or
// style sheets that reach outside the drawing (`url(` other than `url(#…)`, `@import`,
// `javascript:`). Mermaid's own sanitiser still runs on every label in strict mode; this replaces
// its DOMPurify pass over the serialised drawing (scripts/mermaid-bundle.mjs), which re-parsed
// the whole SVG as HTML.

const SVG_NS = 'http://www.w3.org/2000/svg';
/** Mermaid adds its <style> with createElement: an HTML element in the live drawing. */
const HTML_NS = 'http://www.w3.org/1999/xhtml';

const ELEMENTS = new Set([
  'svg',
  'g',
  'defs',
  'style',
  'title',
  'desc',
  'marker',
  'path',
  'rect',
  'circle',
  'ellipse',
  'line',
  'polyline',
  'polygon',
  'text',
  'tspan',
  'linearGradient',
  'radialGradient',
  'stop',
  'clipPath',
  'filter',
  'feDropShadow',
  'feGaussianBlur',
  'feOffset',
  'feFlood',
  'feComposite',
  'feMerge',
  'feMergeNode',
  'feBlend',
  'feColorMatrix',
]);

/** A value that loads or runs something outside the drawing. */
const OUTSIDE = /javascript:|@import|url\(\s*(?!['"]?\s*#)/i;

/**
 * Removes from `root` (an <svg>) everything that is not plain drawing; returns how many elements
 * and attributes it removed (0 for what Mermaid draws for the panel).
 */
export function sanitizeSvg(root: Element): number {
  if (root.namespaceURI !== SVG_NS || root.localName !== 'svg') throw new Error('not an SVG drawing');
  let removed = 0;
  const walk = (el: Element): void => {
    for (const name of el.getAttributeNames()) {
      const lower = name.toLowerCase();
      // Parsed as XML, a qualified name with a colon is a namespaced attribute.
      let bad = lower.startsWith('on') || lower === 'href' || lower === 'src';
      bad ||= name.includes(':') && !name.startsWith('xmlns:');
      if (!bad) {
        const v = el.getAttribute(name) ?? '';
        bad = (v.includes(':') || v.includes('(') || v.includes('@')) && OUTSIDE.test(v);
      }
      if (bad) {
        el.removeAttribute(name);
        removed++;
      }
    }
    for (let c = el.firstElementChild; c; ) {
      const next = c.nextElementSibling;
      const style = c.localName === 'style';
      if (
        !(c.namespaceURI === SVG_NS || (style && c.namespaceURI === HTML_NS)) ||
        !ELEMENTS.has(c.localName) ||
        (style && OUTSIDE.test(c.textContent ?? ''))
      ) {
        c.remove();
        removed++;
      } else walk(c);
      c = next;
    }
  };
  walk(root);
  return removed;
}

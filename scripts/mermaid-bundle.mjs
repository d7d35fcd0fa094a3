// The DAG panel's Mermaid bundle (out/webviews/dag-mermaid.js): an esbuild plugin that keeps
// Mermaid's flowchart code only and patches it for the panel (see flowchartOnlyMermaid below).
// Used by scripts/build-extension.mjs.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

/**
 * Source patches: in the files a patch's `filter` matches, the text `from` (a string, found once,
 * or a RegExp with the g flag) is replaced with `to`, or `transform(source)` rewrites the source
 * (files without the text load as they are); the build warns when it ends without having found a
 * patch's text: a dependency upgrade that moved the code leaves the bundle working, only slower.
 * One onLoad for all of them: esbuild takes the first onLoad that answers for a file, and several
 * patches touch the same file.
 */
function patchSources(b, patches) {
  const found = patches.map(() => false);
  b.onLoad({ filter: new RegExp(patches.map((p) => p.filter.source).join('|')) }, async (args) => {
    const mine = patches.filter((p) => p.filter.test(args.path));
    if (mine.length === 0) return undefined;
    let src = await fs.promises.readFile(args.path, 'utf8');
    let changed = false;
    for (const p of mine) {
      if (p.transform) {
        const out = p.transform(src);
        if (out === src) continue;
        found[patches.indexOf(p)] = true;
        src = out;
        changed = true;
        continue;
      }
      // A string is replaced once; a RegExp (with the g flag) everywhere it matches.
      if (typeof p.from === 'string' ? !src.includes(p.from) : src.search(p.from) === -1) continue;
      if (typeof p.from === 'string' && src.indexOf(p.from) !== src.lastIndexOf(p.from))
        throw new Error(`mermaid-bundle: a patch's text is in ${args.path} more than once (${p.missing})`);
      found[patches.indexOf(p)] = true;
      src = src.replace(p.from, p.to);
      changed = true;
    }
    return changed ? { contents: src, loader: 'js' } : undefined;
  });
  b.onEnd(() => {
    patches.forEach((p, i) => {
      if (!found[i]) console.warn(`mermaid-bundle: ${p.missing}`);
    });
  });
}

// The DAG panel's patches to Mermaid (see patchSources): less work for the same drawing
// (node positions, edge paths and sizes compared before and after each).
const MERMAID_CHUNK = /mermaid\.core[\\/]chunk-[A-Z0-9]+\.mjs$/;
/** The node shapes the panel's Mermaid source uses (the handlers in Mermaid's shape registry). */
const PANEL_SHAPES = ['squareRect', 'stadium', 'subroutine', 'hexagon', 'trapezoid'];
const MERMAID_PATCHES = [
  // Labels are drawn as exactly the flow's text (webviews/src/dag/mermaid.ts writes every
  // character Mermaid could interpret as a numeric entity code, `#60;`, which Mermaid turns into
  // `&#60;`). An SVG label's words decoded only `&amp;`, `&lt;` and `&gt;` (edge labels showed
  // `&#60;`; node labels are decoded earlier, by DOMPurify's HTML parse, and reach here with those
  // three and `&nbsp;`): numeric codes and `&quot;` are decoded too, in the one pass that fills
  // the <tspan>s as text (and measures them).
  {
    filter: MERMAID_CHUNK,
    from: [
      'function decodeHTMLEntities(text) {',
      '  const regex = /&(amp|lt|gt);/g;',
      '  return text.replace(regex, (match, entity) => {',
      '    switch (entity) {',
    ].join('\n'),
    to: [
      'function decodeHTMLEntities(text) {',
      '  const regex = /&(amp|lt|gt|quot|nbsp|#\\d+|#[xX][\\dA-Fa-f]+);/g;',
      '  return text.replace(regex, (match, entity) => {',
      '    if (entity[0] === "#") {',
      '      const code = entity[1] === "x" || entity[1] === "X" ? parseInt(entity.slice(2), 16) : Number(entity.slice(1));',
      '      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : match;',
      '    }',
      '    switch (entity) {',
      '      case "quot":',
      "        return '\"';",
      '      case "nbsp":',
      '        return "\\u00a0";',
    ].join('\n'),
    missing: 'mermaid decodeHTMLEntities() not found; DAG edge labels show numeric entity codes',
  },
  // A word too wide for its label is cut between characters (graphemes): an entity code
  // (`&#60;`, decoded when drawn) is one character, never cut.
  {
    filter: MERMAID_CHUNK,
    from: [
      'function splitTextToChars(text) {',
      '  if (Intl.Segmenter) {',
      '    return [...new Intl.Segmenter().segment(text)].map((s) => s.segment);',
      '  }',
      '  return [...text];',
      '}',
    ].join('\n'),
    to: [
      'function splitTextToChars(text) {',
      '  return text.split(/(&(?:amp|lt|gt|quot|nbsp|#\\d+|#[xX][\\dA-Fa-f]+);)/).flatMap((part, i) =>',
      '    i % 2 === 1 ? [part] : Intl.Segmenter ? [...new Intl.Segmenter().segment(part)].map((s) => s.segment) : [...part]',
      '  );',
      '}',
    ].join('\n'),
    missing: 'mermaid splitTextToChars() not found; a long DAG label may be cut inside an entity code',
  },
  // Entity placeholders (`ﬂ°…¶ß`) are decoded where a label is drawn (createText, labelHelper);
  // decoding them again in the serialised drawing only turned a label's own text (`ﬂ°lt¶ß`) into
  // an entity reference.
  {
    filter: /[\\/]mermaid[\\/]dist[\\/]mermaid\.core\.mjs$/,
    from: '  cleanedUpSvg = decodeEntities(cleanedUpSvg);\n',
    to: '',
    missing: 'mermaid cleanUpSvgCode() decodeEntities not found; DAG labels holding ﬂ° or ¶ß change',
  },
  // Mermaid's node shapes (~50 and their aliases, with a Rough.js drawing each) are all reachable
  // from its shape registry, so none is tree-shaken; the panel's source uses five (rectangle,
  // stadium, subroutine, hexagon, trapezoid: webviews/src/dag/mermaid.ts), the registry keeps
  // those. A shape outside them is an unknown shape, an error.
  {
    filter: MERMAID_CHUNK,
    transform: (src) => {
      const defs = /^var shapesDefs = \[\n([\s\S]*?)^\];$/m.exec(src);
      if (!defs) return src;
      const entries = defs[1].match(/^ {2}\{\n[\s\S]*?^ {2}\}/gm) ?? [];
      const kept = entries.filter((e) => PANEL_SHAPES.includes(/^ {4}handler: (\w+)$/m.exec(e)?.[1]));
      if (kept.length !== PANEL_SHAPES.length)
        throw new Error("mermaid-bundle: the panel's shapes are not all in shapesDefs");
      const undocumented = /^ {2}const undocumentedShapes = \{\n[\s\S]*?^ {2}\};$/m;
      if (!undocumented.test(src)) throw new Error('mermaid-bundle: undocumentedShapes not found');
      return src
        .replace(defs[0], `var shapesDefs = [\n${kept.join(',\n')}\n];`)
        .replace(undocumented, '  const undocumentedShapes = {};');
    },
    missing: 'mermaid shapesDefs not found; the DAG bundle keeps every node shape',
  },
  // Mermaid's eleven themes are all reachable from its theme registry, and their classes hold a
  // quarter of Mermaid's code; the panel draws with `default` or `dark` (webviews/src/dag/main.ts),
  // the registry keeps those two. Any other theme name falls back to `default`, as an unknown one did.
  {
    filter: MERMAID_CHUNK,
    transform: (src) => {
      const registry = /^var themes_default = \{\n[\s\S]*?^\};$/m.exec(src);
      if (!registry) return src;
      const keep = ['dark', 'default'].map((t) => {
        const entry = new RegExp(`^ {2}${t}: \\{\\n {4}getThemeVariables: (\\w+)\\n {2}\\}`, 'm').exec(
          registry[0],
        );
        if (!entry) throw new Error(`mermaid-bundle: Mermaid's theme ${t} not found in its registry`);
        return entry[0];
      });
      return src.replace(registry[0], `var themes_default = {\n${keep.join(',\n')}\n};`);
    },
    missing: 'mermaid themes_default not found; the DAG bundle keeps every theme',
  },
  // A function's name is set by a statement (`__name(fn, "fn");`), a call esbuild must keep, and
  // with it every function so named, used or not: as pure calls (their value is never used) they
  // go, and the functions nothing calls (the shapes above and their helpers) go with them. The
  // names only served stack traces of the minified bundle.
  {
    filter: /[\\/]mermaid[\\/]dist[\\/](?:mermaid\.core|chunks[\\/]mermaid\.core[\\/][^\\/]+)\.mjs$/,
    from: /^__name\(/gm,
    to: '/* @__PURE__ */ __name(',
    missing: 'mermaid __name() statements not found',
  },
  // The same for classes, named by a static block (which esbuild must keep, and the class with it).
  {
    filter: /[\\/]mermaid[\\/]dist[\\/](?:mermaid\.core|chunks[\\/]mermaid\.core[\\/][^\\/]+)\.mjs$/,
    from: /^ {2}static \{\n {4}__name\(this, "\w+"\);\n {2}\}\n/gm,
    to: '',
    missing: 'mermaid classes named by static blocks not found',
  },
  // Every edge has a label, empty unless it is a foreach or a switch case, and each label was
  // measured (getBBox: a forced layout of the document per edge). An empty label draws nothing
  // and measures 0 by 0 at 0,0 (checked in Chromium): it is not measured.
  {
    filter: MERMAID_CHUNK,
    from: [
      '    await fastdom_default.measure(() => {',
      '      bbox = labelElement.getBBox();',
      '      if (textEl && typeof textEl.getBBox === "function") {',
    ].join('\n'),
    to: [
      '    await fastdom_default.measure(() => {',
      '      if (!edge.label) {',
      '        bbox = transformBbox = { x: 0, y: 0, width: 0, height: 0 };',
      '        return;',
      '      }',
      '      bbox = labelElement.getBBox();',
      '      if (textEl && typeof textEl.getBBox === "function") {',
    ].join('\n'),
    missing: 'mermaid insertEdgeLabel() measure not found; DAG renders measure empty edge labels',
  },
  // Each edge path carried its points as base64 JSON (`data-points`, a JSON.stringify and a btoa
  // per edge, ~8% of a 100-step drawing's markup), read only by the swimlanes layout, which the
  // panel does not bundle.
  {
    filter: MERMAID_CHUNK,
    from: '  svgPath.attr("data-points", pointsStr);\n',
    to: '',
    missing: 'mermaid insertEdge() data-points not found',
  },
  {
    filter: MERMAID_CHUNK,
    from: '  const pointsStr = btoa(JSON.stringify(points));\n',
    to: '',
    missing: 'mermaid insertEdge() points encoding not found',
  },
  // dayjs (~7 KB) only formats the seconds of Mermaid's log lines (which the panel leaves at
  // `fatal`): the same "ss.SSS" from a Date.
  {
    filter: MERMAID_CHUNK,
    from: 'import dayjs from "dayjs";',
    to: [
      'const dayjs = () => ({',
      '  format: () => {',
      '    const now = new Date();',
      '    return String(now.getSeconds()).padStart(2, "0") + "." + String(now.getMilliseconds()).padStart(3, "0");',
      '  },',
      '});',
    ].join('\n'),
    missing: 'mermaid logger dayjs import not found; the DAG bundle keeps dayjs',
  },
  // marked (~40 KB minified; its grammar's regular expressions are built when the bundle loads)
  // turns markdown labels (a quoted label in backticks) into lines: the panel never has one, as
  // webviews/src/dag/mermaid.ts writes backticks as entity codes. A markdown label is an error.
  {
    filter: MERMAID_CHUNK,
    from: 'import { marked } from "marked";',
    to: [
      'const marked = {',
      '  lexer() {',
      '    throw new Error("markdown labels are not bundled: the DAG panel never generates them");',
      '  },',
      '};',
    ].join('\n'),
    missing: "mermaid's marked import not found; the DAG bundle keeps marked",
  },
  // Mermaid's getConfig() deep-copies the whole configuration at every call, several times per
  // node and label: most of a 100-step render. The copy is made once per configuration instead
  // (setConfig / initialize replace `currentConfig`, which renews it). Flowchart code only
  // writes back a value it read (`arrowMarkerAbsolute`), so sharing the copy is safe.
  {
    filter: MERMAID_CHUNK,
    from: [
      'var getConfig = /* @__PURE__ */ __name(() => {',
      '  return assignWithDepth_default({}, currentConfig);',
      '}, "getConfig");',
    ].join('\n'),
    to: [
      'var getConfigOf, getConfigCopy;',
      'var getConfig = /* @__PURE__ */ __name(() => {',
      '  if (getConfigOf !== currentConfig) {',
      '    getConfigOf = currentConfig;',
      '    getConfigCopy = assignWithDepth_default({}, currentConfig);',
      '  }',
      '  return getConfigCopy;',
      '}, "getConfig");',
    ].join('\n'),
    missing: 'mermaid getConfig() not found; DAG renders take the slow path',
  },
  // initialize() computed the theme's variables, then setSiteConfig() computed them again from
  // that result; computed once, from the options, the result is the same (drawings compared).
  {
    filter: /[\\/]mermaid[\\/]dist[\\/]mermaid\.core\.mjs$/,
    from: [
      '  if (options?.theme && options.theme in themes_default) {',
      '    options.themeVariables = themes_default[options.theme].getThemeVariables(',
      '      options.themeVariables',
      '    );',
      '  } else if (options) {',
    ].join('\n'),
    to: [
      '  if (options?.theme && options.theme in themes_default) {',
      '    // Computed by setSiteConfig() below, from these options.',
      '  } else if (options) {',
    ].join('\n'),
    missing: 'mermaid initialize() theme not found; the DAG page computes its theme twice',
  },
  // Every configuration change copies the whole configuration (~900 keys) and renews
  // getConfig()'s copy. A render reset the configuration, added an empty directive (the same
  // configuration again), and the flowchart's init set `layout` to the value it already has and
  // `flowchart.arrowMarkerAbsolute` to the top-level value, false, where the only reader treats
  // false and unset alike: those three changes are made only when they change something.
  {
    filter: /[\\/]mermaid[\\/]dist[\\/]mermaid\.core\.mjs$/,
    from: '  addDirective(processed.config ?? {});',
    to: '  if (processed.config && Object.keys(processed.config).length > 0) addDirective(processed.config);',
    missing: 'mermaid processAndSetConfigs() not found; DAG renders copy the configuration once more',
  },
  {
    filter: MERMAID_CHUNK,
    from: [
      '    if (layout) {',
      '      setConfig({ layout });',
      '    }',
      '    cnf.flowchart.arrowMarkerAbsolute = cnf.arrowMarkerAbsolute;',
      '    setConfig({ flowchart: { arrowMarkerAbsolute: cnf.arrowMarkerAbsolute } });',
    ].join('\n'),
    to: [
      '    if (layout && layout !== cnf.layout) {',
      '      setConfig({ layout });',
      '    }',
      '    cnf.flowchart.arrowMarkerAbsolute = cnf.arrowMarkerAbsolute;',
      '    if (cnf.arrowMarkerAbsolute) setConfig({ flowchart: { arrowMarkerAbsolute: cnf.arrowMarkerAbsolute } });',
    ].join('\n'),
    missing: 'mermaid flowchart init() not found; DAG renders copy the configuration twice more',
  },
  // An SVG label's lines are measured (a forced layout of the document each) to decide where to
  // wrap; every edge has a label, empty unless it is a foreach or a switch case. An empty line
  // (no word, or one empty word) is 0 wide without asking the layout.
  {
    filter: MERMAID_CHUNK,
    from: [
      'function computeWidthOfText(parentNode, lineHeight, line) {',
      '  const testElement = parentNode.append("text");',
    ].join('\n'),
    to: [
      'function computeWidthOfText(parentNode, lineHeight, line) {',
      '  if (line.length === 0 || (line.length === 1 && !line[0].content)) return 0;',
      '  const testElement = parentNode.append("text");',
    ].join('\n'),
    missing: 'mermaid computeWidthOfText() not found; DAG renders measure empty edge labels',
  },
  // A label's line is measured in the DOM (a forced layout of the document per label) only to
  // decide whether it needs wrapping at the wrapping width. With no wrapping (an infinite width:
  // the panel's node labels) every line fits, as the DOM measure would say. Otherwise canvas text
  // measurement with the drawing's font (the theme's family and size, which the labels inherit;
  // the same text shaper) answers without a layout when the line is well inside the width; any
  // other line, a styled word or a label under an inline font style is measured in the DOM.
  {
    filter: MERMAID_CHUNK,
    from: [
      'function createFormattedText(width, g, structuredText, addBackground = false, centerText = false) {',
    ].join('\n'),
    to: [
      'var tsflowCanvas, tsflowCanvasFont, tsflowCanvasFontOk;',
      'function tsflowFitsByCanvas(labelGroup, line, width) {',
      '  if (width === Infinity) return true;',
      '  if (!(width < Infinity) || line.some((word) => word.type !== "normal")) return false;',
      '  const { fontFamily, fontSize } = getConfig().themeVariables ?? {};',
      '  if (!fontFamily || !fontSize) return false;',
      '  // An inline font style on the label or an ancestor inside its drawing (the element the',
      "  // drawing is made in may carry the page font: the drawing's own style overrides it).",
      '  const labelNode = labelGroup.node();',
      '  const styled = labelNode.closest?.(\'[style*="font"]\');',
      '  if (styled === undefined || (styled !== null && (labelNode.ownerSVGElement ?? styled).contains(styled))) return false;',
      '  tsflowCanvas ??= document.createElement("canvas").getContext("2d");',
      '  if (!tsflowCanvas) return false;',
      '  const font = (typeof fontSize === "number" ? fontSize + "px" : fontSize) + " " + fontFamily;',
      '  if (font !== tsflowCanvasFont) {',
      '    // Setting a canvas font parses it: once per font, not per label.',
      '    tsflowCanvasFont = font;',
      '    tsflowCanvas.font = "10px monospace";',
      '    tsflowCanvas.font = font;',
      '    tsflowCanvasFontOk = tsflowCanvas.font !== "10px monospace";',
      '  }',
      '  if (!tsflowCanvasFontOk) return false;',
      '  const text = line.map((word, i) => (i === 0 ? "" : " ") + decodeHTMLEntities(word.content)).join("");',
      '  return tsflowCanvas.measureText(text).width <= 0.9 * width;',
      '}',
      'function createFormattedText(width, g, structuredText, addBackground = false, centerText = false) {',
    ].join('\n'),
    missing: 'mermaid createFormattedText() not found',
  },
  {
    filter: MERMAID_CHUNK,
    from: '    const checkWidth = /* @__PURE__ */ __name((line2) => computeWidthOfText(labelGroup, lineHeight, line2) <= width, "checkWidth");',
    to: '    const checkWidth = /* @__PURE__ */ __name((line2) => tsflowFitsByCanvas(labelGroup, line2, width) || computeWidthOfText(labelGroup, lineHeight, line2) <= width, "checkWidth");',
    missing:
      'mermaid createFormattedText() width check not found; DAG renders measure every label in the DOM',
  },
  // Each edge path's length (getTotalLength(): a forced layout of the document per edge) was
  // taken for every edge and used only to dash edges in the 'neo' look; it is taken there only.
  {
    filter: MERMAID_CHUNK,
    from: [
      '    const len = typeof pathNode.getTotalLength === "function" ? pathNode.getTotalLength() : 0;',
      '    const oValueS = markerOffsets2[edge.arrowTypeStart] || 0;',
      '    const oValueE = markerOffsets2[edge.arrowTypeEnd] || 0;',
      '    if (edge.look === "neo" && !animatedEdge) {',
    ].join('\n'),
    to: [
      '    const oValueS = markerOffsets2[edge.arrowTypeStart] || 0;',
      '    const oValueE = markerOffsets2[edge.arrowTypeEnd] || 0;',
      '    if (edge.look === "neo" && !animatedEdge) {',
      '      const len = typeof pathNode.getTotalLength === "function" ? pathNode.getTotalLength() : 0;',
    ].join('\n'),
    missing: 'mermaid insertEdge() path length not found; DAG renders force a layout per edge',
  },
  // The flowchart diagram is a dynamic import in Mermaid (loaded at the first render). In one IIFE
  // bundle esbuild then wraps it and every module it imports (nearly all of Mermaid, d3...) in
  // lazy-init closures, all initialised and nothing tree-shaken. Imported statically, the bundle
  // is scope-hoisted and unused code is dropped.
  {
    filter: /[\\/]mermaid[\\/]dist[\\/](?:mermaid\.core|chunks[\\/]mermaid\.core[\\/]chunk-[A-Z0-9]+)\.mjs$/,
    transform: (src) => {
      const paths = [];
      const out = src.replace(
        /await import\("(\.\/chunks\/mermaid\.core\/flowDiagram-[A-Z0-9]+\.mjs)"\)/g,
        (_, p) => {
          if (!paths.includes(p)) paths.push(p);
          return `__tsflowStatic${paths.indexOf(p)}`;
        },
      );
      return (
        paths.map((p, i) => `import * as __tsflowStatic${i} from ${JSON.stringify(p)};\n`).join('') + out
      );
    },
    missing: 'mermaid flowchart dynamic import not found; the DAG bundle stays lazily initialised',
  },
  // Mermaid's flowchart parser (a generated LR parser: ~70 KB whose tables are built at load, and
  // whose lexer tries ~150 regular expressions per token) gives way to the panel's parser for the
  // subset of flowchart syntax the panel writes (webviews/src/dag/flow-parser.ts), which makes the
  // same calls on Mermaid's flowchart database (test/webviews/flow-parser.test.ts compares the two).
  {
    filter: MERMAID_CHUNK,
    transform: (src) => {
      const start = src.indexOf('// src/diagrams/flowchart/parser/flow.jison');
      const end = src.indexOf('// src/diagrams/flowchart/styles.ts');
      if (
        start === -1 ||
        end < start ||
        !src.slice(start, end).includes('var flowParser_default = newParser;')
      )
        return src;
      const parser = path.join(root, 'webviews', 'src', 'dag', 'flow-parser.ts');
      return `${src.slice(0, start)}import { panelFlowParser as flowParser_default } from ${JSON.stringify(parser)};\n\n${src.slice(end)}`;
    },
    missing: "mermaid's flowchart parser not found; the DAG bundle parses with Mermaid's",
  },
  // Every label is sanitised twice (when parsed and when drawn), each time through one or two
  // DOMPurify calls that first rebuild DOMPurify's configuration (its allow-lists, some 300 entries)
  // for the call. DOMPurify's own first check then returns a string without `<` as it is, and
  // Mermaid's steps before it change no such string in strict mode: the label is returned at
  // once. (The panel's labels never hold `<`: mermaid.ts writes it as a numeric code.)
  {
    filter: MERMAID_CHUNK,
    from: [
      'var sanitizeText = /* @__PURE__ */ __name((text, config2) => {',
      '  if (!text) {',
      '    return text;',
      '  }',
    ].join('\n'),
    to: [
      'var sanitizeText = /* @__PURE__ */ __name((text, config2) => {',
      '  if (!text) {',
      '    return text;',
      '  }',
      '  if (typeof text === "string" && config2.securityLevel === "strict" && !config2.dompurifyConfig && text.indexOf("<") === -1) {',
      '    return text;',
      '  }',
    ].join('\n'),
    missing: 'mermaid sanitizeText() not found; every DAG label goes through DOMPurify',
  },
  // At load, Mermaid lists every key of its default configuration (875) by spreading the
  // accumulated array into a new one at each key: quadratic. The same list, pushed.
  {
    filter: MERMAID_CHUNK,
    from: [
      'var keyify = /* @__PURE__ */ __name((obj, prefix = "") => Object.keys(obj).reduce((res, el) => {',
      '  if (Array.isArray(obj[el])) {',
      '    return res;',
      '  } else if (typeof obj[el] === "object" && obj[el] !== null) {',
      '    return [...res, prefix + el, ...keyify(obj[el], "")];',
      '  }',
      '  return [...res, prefix + el];',
      '}, []), "keyify");',
    ].join('\n'),
    to: [
      'var keyify = /* @__PURE__ */ __name((obj, prefix = "", res = []) => {',
      '  for (const el of Object.keys(obj)) {',
      '    if (Array.isArray(obj[el])) continue;',
      '    res.push(prefix + el);',
      '    if (typeof obj[el] === "object" && obj[el] !== null) keyify(obj[el], "", res);',
      '  }',
      '  return res;',
      '}, "keyify");',
    ].join('\n'),
    missing: 'mermaid keyify() not found; the DAG bundle lists config keys the slow way',
  },
  // The stadium (start and end steps) is the one shape Mermaid draws through Rough.js in the
  // classic look too: two paths of ~30 KB each through ~100 points, cubic curves with random
  // offsets (the drawing changed at every render), and the first call of Rough.js's code in a
  // render. Outside the hand-drawn look it is the path through the same points, unchanged
  // (bounds and intersections come from the points); the panel's CSS fills and strokes it.
  // With this, no shape the panel draws reaches Rough.js, which is not bundled (flowchartOnlyMermaid).
  {
    filter: MERMAID_CHUNK,
    from: [
      '  const { cssStyles } = node;',
      '  const rc = rough47.svg(shapeSvg);',
      '  const options = userNodeOverrides(node, {});',
    ].join('\n'),
    to: ['  const { cssStyles } = node;', '  const options = userNodeOverrides(node, {});'].join('\n'),
    missing: 'mermaid stadium() Rough.js canvas not found; start and end steps need Rough.js',
  },
  {
    filter: MERMAID_CHUNK,
    from: [
      '    ...generateCirclePoints(w / 2 - radius, 0, radius, 50, 270, 450)',
      '  ];',
      '  const pathData = createPathFromPoints(points);',
      '  const shapeNode = rc.path(pathData, options);',
      '  const polygon = shapeSvg.insert(() => shapeNode, ":first-child");',
      '  polygon.attr("class", "basic label-container outer-path");',
    ].join('\n'),
    to: [
      '    ...generateCirclePoints(w / 2 - radius, 0, radius, 50, 270, 450)',
      '  ];',
      '  const pathData = createPathFromPoints(points);',
      '  let polygon;',
      '  if (node.look === "handDrawn") {',
      '    const rc = rough47.svg(shapeSvg);',
      '    const shapeNode = rc.path(pathData, options);',
      '    polygon = shapeSvg.insert(() => shapeNode, ":first-child");',
      '  } else {',
      '    polygon = shapeSvg.insert("g", ":first-child");',
      '    polygon.append("path").attr("d", pathData);',
      '  }',
      '  polygon.attr("class", "basic label-container outer-path");',
    ].join('\n'),
    missing: 'mermaid stadium() not found; start and end steps are drawn through Rough.js',
  },
  // log.trace / debug / info calls build their arguments (JSON.stringify of every node and
  // edge, several times each) for a logger that drops them: Mermaid's log level stays at its
  // default, fatal. The calls go; warn, error and fatal stay.
  {
    filter: /[\\/]mermaid[\\/]dist[\\/](?:mermaid\.core|chunks[\\/]mermaid\.core[\\/][^\\/]+)\.mjs$/,
    from: /(?<![\w$.])log\.(?:trace|debug|info)\(/g,
    to: '0 && log.info(',
    missing: 'mermaid log calls not found',
  },
  // render() into an element of the page (the panel passes one in its canvas) removed the drawing
  // once serialised, and the page parsed the markup again and laid it out a second time: the
  // drawing stays where it was drawn, and the page sanitises and shows it there (view.ts).
  // Without an element, the temporary one in the body goes as before.
  {
    filter: /[\\/]mermaid[\\/]dist[\\/]mermaid\.core\.mjs$/,
    from: ['  removeTempElements();', '  if (false) {', '    profiler.stop();', '  }'].join('\n'),
    to: [
      '  if (svgContainingElement === void 0) removeTempElements();',
      '  if (false) {',
      '    profiler.stop();',
      '  }',
    ].join('\n'),
    missing: 'mermaid render() temporary element removal not found; the DAG page parses every drawing again',
  },
  // In strict mode render() serialises the drawing and runs DOMPurify over the string (an HTML
  // parse, a walk of every element and attribute, a serialisation): a fifth of a 100-step
  // render. The panel parses the drawing as SVG and keeps only plain drawing with its own
  // allow-list (webviews/src/dag/sanitize-svg.ts, stricter: no <foreignObject>, links or
  // animation), which also covers the drawings the extension keeps. Labels still go through
  // Mermaid's sanitiser, and the page's CSP runs no inline script.
  {
    filter: /[\\/]mermaid[\\/]dist[\\/]mermaid\.core\.mjs$/,
    from: [
      '    } else if (!isLooseSecurityLevel) {',
      '      code = DOMPurify.sanitize(code, {',
      '        ADD_TAGS: DOMPURIFY_TAGS,',
      '        ADD_ATTR: DOMPURIFY_ATTR,',
      '        HTML_INTEGRATION_POINTS: { foreignobject: true }',
      '      });',
      '    }',
    ].join('\n'),
    to: '    }',
    missing: 'mermaid render() DOMPurify pass not found; DAG renders sanitise the drawing twice',
  },
];

/**
 * The DAG panel draws flowcharts only: Mermaid's other diagram types (and KaTeX, for math in
 * labels, which the panel never has: it escapes `$`) are loaded through dynamic imports from its
 * diagram registry; they are replaced by empty modules so the bundle the webview parses on every
 * open is a fraction of the size.
 */
export const flowchartOnlyMermaid = {
  name: 'flowchart-only-mermaid',
  setup(b) {
    b.onResolve({ filter: /^\.\/chunks\/mermaid\.core\/.+\.mjs$/ }, (args) => {
      if (args.kind !== 'dynamic-import' || !/[\\/]mermaid\.core\.mjs$/.test(args.importer)) return undefined;
      if (/\/flowDiagram-/.test(args.path)) return undefined;
      return { path: 'unused', namespace: 'tsflow-unused-diagram' };
    });
    // Mermaid's layouts: the panel registers its own (webviews/src/dag/mermaid-layout.ts) and asks
    // for it, so dagre (with graphlib and lodash, ~70 KB minified) goes, as do cose-bilkent
    // (Cytoscape, ~500 KB) and swimlanes (~300 KB); and the size-capture debugging hook.
    b.onResolve({ filter: /^\.\/(?:dagre|cose-bilkent|swimlanes|sizeCapture)-[A-Z0-9]+\.mjs$/ }, (args) => {
      if (args.kind !== 'dynamic-import' || !/[\\/]chunks[\\/]mermaid\.core[\\/]/.test(args.importer))
        return undefined;
      return { path: 'unused', namespace: 'tsflow-unused-diagram' };
    });
    // Rough.js draws the hand-drawn look only (the panel's is `classic`, and the stadium patch
    // above keeps its shapes off it); dagre's graph class (with lodash) serves Mermaid's dagre
    // and swimlane layouts and its common layout's measuring, which the panel's layout does not
    // use. Either, reached, throws.
    b.onResolve({ filter: /^(?:roughjs|dagre-d3-es\/src\/graphlib\/index\.js)$/ }, (args) =>
      /[\\/]mermaid[\\/]dist[\\/]/.test(args.importer)
        ? { path: args.path, namespace: 'tsflow-not-drawn' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'tsflow-not-drawn' }, (args) => ({
      contents: [
        `const unused = () => { throw new Error(${JSON.stringify(`${args.path} is not bundled: the DAG panel draws with its own layout in the classic look`)}); };`,
        'export class Graph { constructor() { unused(); } }',
        'export default { svg: unused, canvas: unused, generator: unused, newSeed: unused };',
      ].join('\n'),
      loader: 'js',
    }));
    b.onResolve({ filter: /^katex$/ }, (args) =>
      args.kind === 'dynamic-import' ? { path: 'unused', namespace: 'tsflow-unused-diagram' } : undefined,
    );
    // js-yaml (~40 KB minified, and its schemas are compiled at load) parses front matter and
    // `@{ … }` node metadata, neither of which the panel's generated source has: its chunk (the
    // one that holds js-yaml alone and exports `load` and `JSON_SCHEMA`) becomes a stub.
    let yamlStubbed = false;
    b.onLoad({ filter: /mermaid\.core[\\/]chunk-[A-Z0-9]+\.mjs$/ }, async (args) => {
      const src = await fs.promises.readFile(args.path, 'utf8');
      const sources = [...src.matchAll(/^\/\/ (\S+)$/gm)].map((m) => m[1]);
      if (sources.length === 0 || !sources.every((s) => /[\\/]js-yaml[\\/]/.test(s))) return undefined;
      if (!/export \{\s*JSON_SCHEMA,\s*load\s*\};?\s*$/.test(src)) return undefined;
      yamlStubbed = true;
      return {
        contents: [
          'export const JSON_SCHEMA = {};',
          "export const load = () => { throw new Error('YAML (front matter, node metadata) is not bundled: the DAG panel never generates it'); };",
        ].join('\n'),
        loader: 'js',
      };
    });
    // After the js-yaml stub: esbuild takes the first onLoad that answers, and patches touch every chunk.
    patchSources(b, MERMAID_PATCHES);
    b.onEnd(() => {
      if (!yamlStubbed)
        console.warn('mermaid-bundle: mermaid js-yaml chunk not found; the DAG bundle keeps js-yaml');
    });
    // One stub module for all of them (each had its own lazily initialised module).
    b.onLoad({ filter: /.*/, namespace: 'tsflow-unused-diagram' }, () => ({
      contents: [
        "const unused = () => { throw new Error('not bundled: the DAG panel draws flowcharts only'); };",
        'export const diagram = undefined;',
        'export default { renderToString: unused, render: unused };',
      ].join('\n'),
      loader: 'js',
    }));
  },
};

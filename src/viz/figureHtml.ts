/**
 * Self-contained HTML for Plotly figures, offline: the plotly.js bundle is inlined once (per notebook or
 * page) by `plotlyBundleHtml()`, and each figure is a div plus a script that waits for `window.Plotly`.
 */
import * as fs from 'node:fs';
import { ValueError } from '../errors';
import { describe } from '../util/validate';
import type { Figure } from './figure';

let bundle: string | null = null;

/** Text with '&' and '<' escaped, for HTML text content (titles). */
export function escapeHtmlText(s: string): string {
  return s.replace(/[<&]/g, (c) => (c === '<' ? '&lt;' : '&amp;'));
}

/** A JSON text safe to embed inside an HTML <script> element. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/**
 * A <script> element holding the whole plotly.js bundle (plotly.js-dist-min, ~4.8 MB), which sets
 * `window.Plotly`. It runs with `module`, `exports` and `define` shadowed, so that no CommonJS-like or
 * AMD globals on the page can capture the bundle instead (plotly.js 4's header tests `module`; older
 * bundles also used `define`, which the classic notebook's require.js provides). Emit it once per page.
 */
export function plotlyBundleHtml(): string {
  if (bundle === null) {
    const js = fs
      .readFileSync(require.resolve('plotly.js-dist-min'), 'utf8')
      .replace(/<\/script/gi, '<\\/script');
    bundle = `<script>(function (module, exports, define) {\n${js}\n})();</script>`;
  }
  return bundle;
}

/** Options of `figureHtml`. */
export interface FigureHtmlOptions {
  /** A whole HTML document with the bundle inlined (for files); otherwise a fragment for notebooks. @default false */
  standalone?: boolean;
  /** Document title when standalone. @default 'figure' */
  title?: string;
  /** How long the fragment waits for `window.Plotly` before saying so in the div, in ms. @default 20000 */
  waitMs?: number;
}

/** FNV-1a hash of a string, as 8 hex digits (stable figure keys without counters or clocks). */
function fnv1a(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

/**
 * HTML that renders `fig` with Plotly: a div and a script that plots into the first not-yet-plotted div
 * of this figure once `window.Plotly` exists (the same figure shown twice gets two plots).
 * @example fs.writeFileSync('ced.html', figureHtml(cedFigure(curves), { standalone: true }))
 */
export function figureHtml(fig: Figure, opts: FigureHtmlOptions = {}): string {
  if (typeof fig !== 'object' || fig === null || !Array.isArray(fig.data) || typeof fig.layout !== 'object') {
    throw new ValueError(
      `figureHtml: argument 'fig' expected a figure {data: [], layout: {}}, got ${describe(fig)}`,
    );
  }
  const spec = jsonForScript({ data: fig.data, layout: fig.layout });
  const key = fnv1a(spec);
  const waitMs = opts.waitMs ?? 20000;
  const height = typeof fig.layout.height === 'number' ? `height:${fig.layout.height}px;` : '';
  const fragment =
    `<div class="xl-figure" data-xl-figure="${key}" style="width:100%;${height}"></div>\n` +
    `<script>(function () {\n` +
    `  var spec = ${spec};\n` +
    `  var t0 = Date.now();\n` +
    `  function go() {\n` +
    `    var el = document.querySelector('div[data-xl-figure="${key}"]:not([data-xl-plotted])');\n` +
    `    if (!el) return;\n` +
    `    if (!window.Plotly) {\n` +
    `      if (Date.now() - t0 > ${waitMs}) { el.textContent = 'Plotly is not loaded: show(viz.plotlyBundleHtml()) once first.'; return; }\n` +
    `      setTimeout(go, 50);\n` +
    `      return;\n` +
    `    }\n` +
    `    el.setAttribute('data-xl-plotted', '1');\n` +
    `    window.Plotly.newPlot(el, spec.data, spec.layout, { responsive: true, displaylogo: false });\n` +
    `  }\n` +
    `  go();\n` +
    `})();</script>`;
  if (opts.standalone !== true) return fragment;
  const title = escapeHtmlText(opts.title ?? 'figure');
  return (
    `<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>${title}</title></head>\n<body>\n` +
    `${plotlyBundleHtml()}\n${fragment}\n</body></html>\n`
  );
}

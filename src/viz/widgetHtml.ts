/**
 * HTML that mounts a browser widget (widgets/dist/<name>.js, built by `npm run build`) with JSON props:
 * for notebooks (`show(widgetHtml('landmarkViewer', { shape, width, height }))`) and standalone pages.
 */
import * as fs from 'node:fs';
import { EnvironmentError, ValueError } from '../errors';
import type { Raster } from '../types';
import { packageRoot } from '../util/paths';
import { describe } from '../util/validate';
import { escapeHtmlText, jsonForScript } from './figureHtml';
import { rasterToPng } from './rasterToPng';

/** Path of a built widget bundle. */
export function widgetBundlePath(name: string): string {
  return `${packageRoot()}/widgets/dist/${name}.js`;
}

/** A `data:image/png;base64,…` URL of a raster (for a widget's `imageUrl`). */
export function rasterToDataUrl(raster: Raster): string {
  return `data:image/png;base64,${rasterToPng(raster).toString('base64')}`;
}

/** Typed arrays become plain arrays in the props' JSON. */
function plainProps(_key: string, v: unknown): unknown {
  return ArrayBuffer.isView(v) && !(v instanceof DataView)
    ? Array.from(v as unknown as ArrayLike<number>)
    : v;
}

/** Options of `widgetHtml`. */
export interface WidgetHtmlOptions {
  /** A whole HTML document (for files and the browser tests); otherwise a fragment for notebooks. @default false */
  standalone?: boolean;
  /** Document title when standalone. @default the widget name */
  title?: string;
}

/**
 * A div holding the widget's props as JSON in a `<script type="application/json">` (never concatenated
 * into code: the JSON escapes every '<', so neither '</script' nor '<!--' can end or change the element),
 * the widget's bundle (inlined every time so each output stands alone) and a fixed script that parses the
 * props and mounts the first not-yet-mounted div of this widget. The mounted widget's value is mirrored in
 * its root element's `data-value`.
 * @example show(widgetHtml('landmarkViewer', { shape: s.landmarks, width: 256, height: 256, scale: 2 }))
 */
export function widgetHtml(
  name: string,
  props: Record<string, unknown>,
  opts: WidgetHtmlOptions = {},
): string {
  if (typeof name !== 'string' || !/^[A-Za-z][A-Za-z0-9]*$/.test(name)) {
    throw new ValueError(
      `widgetHtml: argument 'name' expected a widget name like 'landmarkViewer', got ${describe(name)}`,
    );
  }
  if (typeof props !== 'object' || props === null || Array.isArray(props)) {
    throw new ValueError(`widgetHtml: argument 'props' expected an object, got ${describe(props)}`);
  }
  const file = widgetBundlePath(name);
  if (!fs.existsSync(file)) {
    throw new EnvironmentError(`widgetHtml: widget bundle ${file} is missing; run 'npm run build' first`);
  }
  const bundle = fs.readFileSync(file, 'utf8').replace(/<\/script/gi, '<\\/script');
  const json = jsonForScript(JSON.parse(JSON.stringify(props, plainProps)));
  const fragment =
    `<div class="xl-widget" data-xl-widget="${name}"><script type="application/json" class="xl-props">${json}</script></div>\n` +
    `<script>${bundle}</script>\n` +
    `<script>(function () {\n` +
    `  var el = document.querySelector('div[data-xl-widget="${name}"]:not([data-xl-mounted])');\n` +
    `  if (!el) return;\n` +
    `  el.setAttribute('data-xl-mounted', '1');\n` +
    `  var props = JSON.parse(el.querySelector('script.xl-props').textContent);\n` +
    `  try { xlWidgets.${name}.mount(el, props); }\n` +
    `  catch (e) { var p = document.createElement('pre'); p.textContent = String(e); el.appendChild(p); throw e; }\n` +
    `})();</script>`;
  if (opts.standalone !== true) return fragment;
  const title = escapeHtmlText(opts.title ?? name);
  return (
    `<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>${title}</title></head>\n` +
    `<body style="margin:8px">\n${fragment}\n</body></html>\n`
  );
}

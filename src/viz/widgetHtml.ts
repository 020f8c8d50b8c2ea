/**
 * HTML that mounts a browser widget (widgets/dist/<name>.js, built by `npm run build`) with JSON props:
 * for notebooks (`show(widgetHtml('landmarkViewer', { shape, width, height }))`) and standalone pages.
 */
import * as fs from 'node:fs';
import { EnvironmentError, ValueError } from '../errors';
import type { Raster } from '../types';
import { packageRoot } from '../util/paths';
import { describe } from '../util/validate';
import { jsonForScript } from './figureHtml';
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

/**
 * A div plus the widget's bundle (a few kB, inlined every time so each output stands alone) and a script
 * that mounts it with `props`. The mounted widget's value is mirrored in the div's `data-value`.
 * @example show(widgetHtml('landmarkViewer', { shape: s.landmarks, width: 256, height: 256, scale: 2 }))
 */
export function widgetHtml(name: string, props: Record<string, unknown>): string {
  if (typeof name !== 'string' || !/^[A-Za-z][A-Za-z0-9]*$/.test(name)) {
    throw new ValueError(
      `widgetHtml: argument 'name' expected a widget name like 'landmarkViewer', got ${describe(name)}`,
    );
  }
  const file = widgetBundlePath(name);
  if (!fs.existsSync(file)) {
    throw new EnvironmentError(`widgetHtml: widget bundle ${file} is missing; run 'npm run build' first`);
  }
  const bundle = fs.readFileSync(file, 'utf8').replace(/<\/script/gi, '<\\/script');
  const json = jsonForScript(JSON.parse(JSON.stringify(props, plainProps)));
  return (
    `<div class="xl-widget" data-xl-widget="${name}"></div>\n` +
    `<script>${bundle}</script>\n` +
    `<script>(function () {\n` +
    `  var el = document.querySelector('div[data-xl-widget="${name}"]:not([data-xl-mounted])');\n` +
    `  if (!el) return;\n` +
    `  el.setAttribute('data-xl-mounted', '1');\n` +
    `  xlWidgets.${name}.mount(el, ${json});\n` +
    `})();</script>`
  );
}

/**
 * landmarkViewer: draws a landmark shape (over an optional image) into an HTML canvas; clicking selects
 * the nearest landmark. One `value` (the selected landmark index, or -1) and one `onChange`.
 * Built by esbuild into widgets/dist/landmarkViewer.js (IIFE, global `xlWidgets.landmarkViewer`), from
 * the same pure modules the library uses (the scheme, `drawShapeOnContext`, `nearestLandmark`).
 */
import { type LandmarkScheme, ibug68, schemeFor } from '../../src/landmarks/scheme';
import { drawShapeOnContext, resolveDrawShapeOptions } from '../../src/viz/drawShape';
import { nearestLandmark } from '../../src/viz/nearestLandmark';

/** Props of `landmarkViewer` (all JSON-serialisable, so notebooks can pass them from Node). */
export interface LandmarkViewerProps {
  /** Interleaved x, y in image pixels (pixel-centre convention of `Shape`). */
  shape: ArrayLike<number>;
  /** Image width in pixels (the drawing's coordinate frame). */
  width: number;
  /** Image height in pixels. */
  height: number;
  /** Scheme name ('ibug68'); other point counts use a generic scheme. @default by point count */
  scheme?: string;
  /** Background image URL (e.g. a PNG data URL from `viz.rasterToDataUrl`). @default none (dark background) */
  imageUrl?: string;
  /** Display zoom: canvas pixels per image pixel. @default 1 */
  scale?: number;
  /** Point radius in image pixels. @default 2 */
  radius?: number;
  /** Clicks farther than this from every landmark (in image pixels) select nothing. @default Infinity */
  pickRadius?: number;
  /** Initially selected landmark, -1 for none. @default -1 */
  value?: number;
}

/** The widget handle: one value, one change callback. */
export interface LandmarkViewer {
  readonly element: HTMLElement;
  /** Selected landmark index, or -1. Setting it redraws (without calling onChange). */
  value: number;
  /** Called with the new value after a click changes the selection. */
  onChange: ((value: number) => void) | null;
}

function resolveScheme(name: string | undefined, n: number): LandmarkScheme {
  return name === 'ibug68' || (name === undefined && n === 68) ? ibug68 : schemeFor(n);
}

/** The group name a landmark belongs to, for the caption. */
function groupOf(scheme: LandmarkScheme, i: number): string {
  for (const [g, idx] of Object.entries(scheme.groups)) if (idx.includes(i)) return g;
  return '';
}

/**
 * Mounts a viewer into `parent` and returns its handle.
 * @example const v = landmarkViewer(div, { shape, width: 256, height: 256, scale: 2 }); v.onChange = (i) => …
 */
export function landmarkViewer(parent: HTMLElement, props: LandmarkViewerProps): LandmarkViewer {
  const shape = Float32Array.from(props.shape);
  const n = shape.length >> 1;
  if (n === 0 || shape.length % 2 !== 0 || !shape.every(Number.isFinite)) {
    throw new Error(
      `landmarkViewer: argument 'props.shape' expected finite x,y pairs, got length ${shape.length}`,
    );
  }
  const scale = props.scale ?? 1;
  const scheme = resolveScheme(props.scheme, n);
  const root = document.createElement('div');
  root.className = 'xl-landmark-viewer';
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(props.width * scale);
  canvas.height = Math.round(props.height * scale);
  canvas.style.cursor = 'crosshair';
  const caption = document.createElement('div');
  caption.className = 'xl-caption';
  caption.style.font = '12px sans-serif';
  root.append(canvas, caption);
  parent.append(root);
  const ctx = canvas.getContext('2d');
  if (ctx === null) throw new Error('landmarkViewer: no 2D canvas context');

  let value = props.value ?? -1;
  let image: HTMLImageElement | null = null;
  const handle: LandmarkViewer = {
    element: root,
    get value() {
      return value;
    },
    set value(v: number) {
      value = Number.isInteger(v) && v >= 0 && v < n ? v : -1;
      draw();
    },
    onChange: null,
  };

  function draw(): void {
    if (ctx === null) return;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = '#202020';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.setTransform(scale, 0, 0, scale, 0, 0);
    if (image !== null) ctx.drawImage(image, 0, 0, props.width, props.height);
    const opts = resolveDrawShapeOptions(scheme, {
      radius: props.radius ?? 2,
      lineWidth: 1 / scale,
      highlight: value >= 0 ? value : undefined,
    });
    drawShapeOnContext(ctx, shape, opts);
    caption.textContent =
      value >= 0 ? `landmark ${value} (${groupOf(scheme, value)})` : 'click a landmark to select it';
    root.dataset.value = String(value);
  }

  canvas.addEventListener('click', (ev) => {
    const rect = canvas.getBoundingClientRect();
    // CSS pixels → canvas pixels → image pixels; minus half a pixel for the pixel-centre convention.
    const x = ((ev.clientX - rect.left) * (canvas.width / rect.width)) / scale - 0.5;
    const y = ((ev.clientY - rect.top) * (canvas.height / rect.height)) / scale - 0.5;
    const next = nearestLandmark(shape, x, y, props.pickRadius ?? Infinity);
    if (next === value) return;
    value = next;
    draw();
    handle.onChange?.(value);
    root.dispatchEvent(new CustomEvent('change', { detail: value }));
  });

  if (props.imageUrl !== undefined) {
    const img = new Image();
    img.onload = () => {
      image = img;
      draw();
    };
    img.src = props.imageUrl;
  }
  draw();
  return handle;
}

/** The entry every widget bundle exposes: `xlWidgets.<name>.mount(parent, props)`. */
export const mount = landmarkViewer;

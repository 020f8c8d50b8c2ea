/**
 * teaching: classification as regression in two sliders. K (from 10 to M): the class centres drawn over
 * the box, the example's best class highlighted, and its quantisation error against K on a chart. tau:
 * the example's membership set M_i = {k : d(y_i, mu_k) ≤ tau} over the same centres, with |M_i|.
 * Props: `viz.teachingState(…)` (computed in Node). Value: { K, tau, size } with size = |M_i|.
 */
import { ibug68, schemeFor } from '../../src/landmarks/scheme';
import { drawShapeOnContext, resolveDrawShapeOptions } from '../../src/viz/drawShape';
import type { TeachingState, TeachingValue } from '../../src/viz/widgetStates';
import { drawChart } from './lib/chart';
import { canvas2d, check, el, numbers, slider } from './lib/dom';

/** The handle. */
export interface Teaching {
  readonly element: HTMLElement;
  readonly value: TeachingValue;
  /** Moves the sliders (level index into `levels`, tau) and redraws. */
  set(level: number, tau: number): void;
  onChange: ((v: TeachingValue) => void) | null;
}

const SIZE = 320;
const PAD = 24;

/** Box coordinates → canvas pixels (minus the half pixel that drawShapeOnContext adds back). */
function toCanvas(a: ArrayLike<number>): Float32Array {
  const out = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = PAD + a[i] * (SIZE - 2 * PAD) - 0.5;
  return out;
}

/** Membership set size: classes within tau (the same ≤ test as classes.membership). */
function setSize(distances: Float64Array, tau: number): number {
  let n = 0;
  for (let k = 0; k < distances.length; k++) if (distances[k] <= tau) n++;
  return n;
}

export function teaching(parent: HTMLElement, props: TeachingState): Teaching {
  const W = 'teaching';
  check(props?.kind === 'exemplar-landmarks/teaching', W, 'kind', "'exemplar-landmarks/teaching'");
  check(Array.isArray(props.levels) && props.levels.length > 0, W, 'levels', 'a non-empty array');
  const N = props.nPoints;
  check(Number.isInteger(N) && N > 0, W, 'nPoints', 'a positive integer');
  const scheme = N === 68 ? ibug68 : schemeFor(N);
  const example = toCanvas(numbers(W, 'exampleShape', props.exampleShape, 2 * N));
  const levels = props.levels.map((l, i) => ({
    K: l.K,
    centers: toCanvas(numbers(W, `levels[${i}].centers`, l.centers, 2 * N * l.K)),
    distances: numbers(W, `levels[${i}].distances`, l.distances, l.K),
    best: l.best,
    bestError: l.bestError,
    meanError: l.meanError,
  }));
  const logMin = Math.log(props.tauMin);
  const logMax = Math.log(props.tauMax);

  const root = el('div', 'xl-teaching');
  root.style.font = '12px sans-serif';
  const face = canvas2d(SIZE, SIZE);
  const chart = canvas2d(300, 200);
  const row = el('div', 'xl-row');
  row.style.display = 'flex';
  row.style.gap = '12px';
  row.style.alignItems = 'flex-start';
  const side = el('div', 'xl-side');
  const caption = el('div', 'xl-caption');
  caption.style.whiteSpace = 'pre';
  caption.style.marginTop = '6px';
  side.append(chart.canvas, caption);
  row.append(face.canvas, side);
  let level = levels.length - 1 > 1 ? 1 : 0;
  let tau = props.tau;
  const kSlider = slider('K', 0, levels.length - 1, 1, level, (v) => update(v, tau, true));
  const tSlider = slider(
    'tau',
    0,
    1000,
    1,
    Math.round((1000 * (Math.log(tau) - logMin)) / (logMax - logMin)),
    (v) => update(level, Math.exp(logMin + (v / 1000) * (logMax - logMin)), true),
  );
  if (props.title !== undefined) root.append(el('div', 'xl-title', String(props.title)));
  root.append(kSlider.root, tSlider.root, row);
  parent.append(root);

  const handle: Teaching = {
    element: root,
    get value() {
      return { K: levels[level].K, tau, size: setSize(levels[level].distances, tau) };
    },
    set(l: number, t: number) {
      update(Math.max(0, Math.min(levels.length - 1, Math.round(l))), t, false);
    },
    onChange: null,
  };

  function draw(): void {
    const L = levels[level];
    const ctx = face.ctx;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = '#151515';
    ctx.fillRect(0, 0, SIZE, SIZE);
    ctx.strokeStyle = '#555';
    ctx.strokeRect(PAD, PAD, SIZE - 2 * PAD, SIZE - 2 * PAD);
    const dim = 2 * N;
    const faint = resolveDrawShapeOptions(scheme, {
      color: 'rgba(160,160,160,0.18)',
      radius: 0.8,
      lineWidth: 1,
    });
    const member = resolveDrawShapeOptions(scheme, {
      color: 'rgba(44,200,80,0.55)',
      radius: 1,
      lineWidth: 1,
    });
    for (let k = 0; k < L.K; k++) {
      if (k === L.best) continue;
      drawShapeOnContext(
        ctx,
        L.centers.subarray(k * dim, (k + 1) * dim),
        L.distances[k] <= tau ? member : faint,
      );
    }
    drawShapeOnContext(
      ctx,
      L.centers.subarray(L.best * dim, (L.best + 1) * dim),
      resolveDrawShapeOptions(scheme, { color: '#ff9f1a', radius: 1.6, lineWidth: 2 }),
    );
    drawShapeOnContext(
      ctx,
      example,
      resolveDrawShapeOptions(scheme, { color: '#ffffff', radius: 1.4, lineWidth: 1 }),
    );
    const Ks = levels.map((l) => l.K);
    drawChart(
      chart.ctx,
      300,
      200,
      [
        { x: Ks, y: levels.map((l) => l.meanError), color: '#1f77b4', label: 'mean over training shapes' },
        { x: Ks, y: levels.map((l) => l.bestError), color: '#ff7f0e', label: 'this example' },
      ],
      { logX: true, xLabel: 'K (log)', marker: L.K, yMin: 0 },
    );
    const size = setSize(L.distances, tau);
    kSlider.caption.textContent = `K = ${L.K}${L.K === props.M ? ' (= M, exemplars)' : ''}`;
    tSlider.caption.textContent = `tau = ${tau.toFixed(3)}`;
    caption.textContent =
      `best class #${L.best}: quantisation error ${L.bestError.toFixed(4)}\n` +
      `mean over M = ${props.M} shapes: ${L.meanError.toFixed(4)}\n` +
      `|M_i| = ${size} of K = ${L.K} classes within tau (green)\n` +
      `white: the example · orange: its best class`;
    root.dataset.value = JSON.stringify(handle.value);
  }

  function update(l: number, t: number, notify: boolean): void {
    level = l;
    tau = Math.min(props.tauMax, Math.max(props.tauMin, t));
    kSlider.input.value = String(level);
    draw();
    if (notify) {
      handle.onChange?.(handle.value);
      root.dispatchEvent(new CustomEvent('change', { detail: handle.value }));
    }
  }
  draw();
  return handle;
}

export const mount = teaching;

/**
 * video: a frame scrubber over a clip with, per frame, the prediction of the frame's own posterior (blue),
 * the HMM's most probable class sequence drawn in the frame's box (orange) and the ground truth where
 * known (white dots); below, yaw and roll over time with their credible intervals and the current frame
 * marked. Props: `viz.videoState(…)` (computed in Node with the reasoning module). Value: { frame }.
 */
import { ibug68, schemeFor } from '../../src/landmarks/scheme';
import { drawShapeOnContext, resolveDrawShapeOptions } from '../../src/viz/drawShape';
import type { VideoState, VideoValue } from '../../src/viz/widgetStates';
import { drawChart } from './lib/chart';
import { button, canvas2d, check, el, numbers, slider } from './lib/dom';
import { loadImage } from './lib/image';

/** The handle. */
export interface Video {
  readonly element: HTMLElement;
  readonly value: VideoValue;
  /** Shows frame t (clamped). */
  show(t: number): Promise<void>;
  onChange: ((v: VideoValue) => void) | null;
}

const W = 'video';

export function video(parent: HTMLElement, props: VideoState): Video {
  check(props?.kind === 'exemplar-landmarks/video', W, 'kind', "'exemplar-landmarks/video'");
  const T = props.frames?.length ?? 0;
  check(T > 0, W, 'frames', 'at least one frame');
  const N = props.nPoints;
  const D = 2 * N;
  const shapes = (name: 'prediction' | 'path' | 'truth') =>
    (props[name] ?? []).map((s, t) => Float32Array.from(numbers(W, `${name}[${t}]`, s, D)));
  const prediction = shapes('prediction');
  const path = shapes('path');
  const truth = shapes('truth');
  check(prediction.length === T && path.length === T, W, 'prediction, path', `${T} shapes`);
  const scheme = N === 68 && (props.scheme ?? 'ibug68') === 'ibug68' ? ibug68 : schemeFor(N);
  const scale = props.scale ?? 3;
  const series = (name: 'yaw' | 'roll') => {
    const v = props[name];
    check(Array.isArray(v) && v.length === T, W, name, `${T} intervals`);
    return {
      mean: numbers(
        W,
        `${name}[].mean`,
        v.map((i) => i.mean),
      ),
      lo: numbers(
        W,
        `${name}[].lo`,
        v.map((i) => i.lo),
      ),
      hi: numbers(
        W,
        `${name}[].hi`,
        v.map((i) => i.hi),
      ),
    };
  };
  const yaw = series('yaw');
  const roll = series('roll');
  const xs = Array.from({ length: T }, (_, t) => t);

  const root = el('div', 'xl-video');
  root.style.font = '12px sans-serif';
  if (props.title !== undefined) root.append(el('div', 'xl-title', String(props.title)));
  const face = canvas2d(Math.round(props.width * scale), Math.round(props.height * scale));
  const chart = canvas2d(420, 150);
  const chart2 = canvas2d(420, 150);
  const caption = el('div', 'xl-caption');
  caption.style.whiteSpace = 'pre';
  let frame = 0;
  let timer: number | null = null;
  const scrub = slider('frame', 0, T - 1, 1, 0, (v) => void handle.show(v));
  const play = button('play', 'xl-play', () => {
    if (timer !== null) {
      window.clearInterval(timer);
      timer = null;
      play.textContent = 'play';
      return;
    }
    play.textContent = 'pause';
    timer = window.setInterval(() => void handle.show((frame + 1) % T), 100);
  });
  const side = el('div', 'xl-side');
  side.append(chart.canvas, chart2.canvas, caption);
  const row = el('div', 'xl-row');
  row.style.display = 'flex';
  row.style.gap = '12px';
  row.append(face.canvas, side);
  root.append(scrub.root, play, row);
  parent.append(root);

  const images = new Map<number, Promise<HTMLImageElement | null>>();
  const imageOf = (t: number) => {
    let p = images.get(t);
    if (p === undefined) images.set(t, (p = loadImage(props.frames[t])));
    return p;
  };

  function drawCharts(): void {
    for (const [name, s, c] of [
      ['yaw', yaw, chart],
      ['roll', roll, chart2],
    ] as const) {
      drawChart(
        c.ctx,
        420,
        150,
        [
          {
            x: xs,
            y: s.mean,
            lo: s.lo,
            hi: s.hi,
            color: '#1f77b4',
            label: `${name} (deg), ${Math.round(100 * props.level)}% interval`,
          },
        ],
        {
          marker: frame,
          xLabel: 'frame',
        },
      );
    }
  }

  async function draw(t: number): Promise<void> {
    const img = await imageOf(t);
    if (t !== frame) return; // a later frame was asked for meanwhile
    const ctx = face.ctx;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = '#202020';
    ctx.fillRect(0, 0, face.canvas.width, face.canvas.height);
    ctx.setTransform(scale, 0, 0, scale, 0, 0);
    if (img !== null) ctx.drawImage(img, 0, 0, props.width, props.height);
    const thin = 1 / scale;
    drawShapeOnContext(
      ctx,
      path[t],
      resolveDrawShapeOptions(scheme, { color: '#ff9f1a', radius: 0.9, lineWidth: thin }),
    );
    drawShapeOnContext(
      ctx,
      prediction[t],
      resolveDrawShapeOptions(scheme, { color: '#3da5ff', radius: 0.9, lineWidth: thin }),
    );
    if (truth.length === T) {
      drawShapeOnContext(
        ctx,
        truth[t],
        resolveDrawShapeOptions(scheme, { color: '#ffffff', radius: 0.6, connections: false }),
      );
    }
    drawCharts();
    caption.textContent =
      `frame ${t + 1}/${T} · HMM class ${props.pathClass[t]}\n` +
      `yaw ${yaw.mean[t].toFixed(1)}° [${yaw.lo[t].toFixed(1)}, ${yaw.hi[t].toFixed(1)}] · ` +
      `roll ${roll.mean[t].toFixed(1)}° [${roll.lo[t].toFixed(1)}, ${roll.hi[t].toFixed(1)}]\n` +
      `blue: this frame's posterior · orange: HMM path${truth.length === T ? ' · white: truth' : ''}`;
    root.dataset.value = JSON.stringify(handle.value);
  }

  const handle: Video = {
    element: root,
    get value() {
      return { frame };
    },
    async show(t: number) {
      const next = Math.max(0, Math.min(T - 1, Math.round(t)));
      const moved = next !== frame;
      frame = next;
      scrub.input.value = String(frame);
      scrub.caption.textContent = `${frame + 1}/${T}`;
      await draw(frame);
      if (moved) {
        handle.onChange?.(handle.value);
        root.dispatchEvent(new CustomEvent('change', { detail: handle.value }));
      }
    },
    onChange: null,
  };
  scrub.caption.textContent = `1/${T}`;
  void draw(0);
  return handle;
}

export const mount = video;

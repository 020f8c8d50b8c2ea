/**
 * clickCondition: the face with its landmarks, per-point uncertainty ellipses and a heatmap layer, all from
 * the posterior the page carries (a compact table of the classes a sparse posterior keeps). Choose a
 * landmark (or accept the suggested next click), click where it really is: the reasoning module's own
 * code — bundled from src/reasoning, not re-implemented — conditions the posterior on every click so far,
 * and the landmarks, ellipses, heatmap and the yaw/roll marginals update at once. Undo, reset, copy the
 * shape as .pts; the clicks and the shape are shown as text a following notebook cell can paste.
 * Props: `viz.conditionState(…)`. Value: ConditionValue (clicks, shape, pts, ms).
 */
import type { Box } from '../../src/types';
import { attributeMarginal } from '../../src/reasoning/attributeMarginal';
import { posteriorHeatmap } from '../../src/reasoning/heatmap';
import { landmarkEllipses, posteriorShape } from '../../src/reasoning/landmarkMoments';
import { landmarkName, tableScheme } from '../../src/reasoning/landmarkRef';
import { nextClick } from '../../src/reasoning/nextClick';
import type { ReasoningTable, PosteriorLike } from '../../src/reasoning/posterior';
import { posteriorCondition } from '../../src/reasoning/posteriorCondition';
import type { Evidence } from '../../src/reasoning/evidence';
import { drawShapeOnContext, resolveDrawShapeOptions } from '../../src/viz/drawShape';
import type { ConditionClick, ConditionState, ConditionValue } from '../../src/viz/widgetStates';
import { drawChart } from './lib/chart';
import { button, canvas2d, check, el, numbers } from './lib/dom';
import { HeatLayer, loadImage } from './lib/image';
import { ptsText } from './lib/pts';

/** The handle. */
export interface ClickCondition {
  readonly element: HTMLElement;
  readonly value: ConditionValue;
  /** Landmark the next click is for. */
  selected: number;
  /** Adds a click for the selected landmark at (x, y) image pixels, as a canvas click does. */
  click(x: number, y: number): void;
  undo(): void;
  reset(): void;
  onChange: ((v: ConditionValue) => void) | null;
}

const W = 'clickCondition';

/** The compact table and posterior from the props, as the reasoning module's typed arrays. */
function tableFrom(p: ConditionState): { table: ReasoningTable; posterior: Float64Array; box: Box } {
  check(p?.kind === 'exemplar-landmarks/condition', W, 'kind', "'exemplar-landmarks/condition'");
  const { K, nPoints: N } = p;
  check(Number.isInteger(K) && K > 0 && Number.isInteger(N) && N > 0, W, 'K, nPoints', 'positive integers');
  const table: ReasoningTable = {
    K,
    nPoints: N,
    centers: Float32Array.from(numbers(W, 'centers', p.centers, K * 2 * N)),
    sigma: Float32Array.from(numbers(W, 'sigma', p.sigma, K)),
    pose: Float32Array.from(numbers(W, 'pose', p.pose, 3 * K)),
    visibility: Float32Array.from(numbers(W, 'visibility', p.visibility, K * N)),
    ...(p.scheme === undefined ? {} : { scheme: String(p.scheme) }),
  };
  const b = numbers(W, 'box', [p.box?.x, p.box?.y, p.box?.width, p.box?.height], 4);
  return {
    table,
    posterior: numbers(W, 'probs', p.probs, K),
    box: { x: b[0], y: b[1], width: b[2], height: b[3] },
  };
}

export function clickCondition(parent: HTMLElement, props: ConditionState): ClickCondition {
  const { table, posterior: prior, box } = tableFrom(props);
  const N = table.nPoints;
  const scheme = tableScheme(table);
  const scale = props.scale ?? 2;
  const cols = props.heatmapCols ?? 48;
  const suggest = props.suggest ?? true;
  const names = Array.from({ length: N }, (_, j) => landmarkName(scheme, j));
  const clicks: ConditionClick[] = (props.clicks ?? []).map((c, i) => {
    const [landmark, x, y] = numbers(W, `clicks[${i}]`, [c?.landmark, c?.x, c?.y], 3);
    check(
      Number.isInteger(landmark) && landmark >= 0 && landmark < N,
      W,
      `clicks[${i}].landmark`,
      `0..${N - 1}`,
    );
    return { landmark, x, y };
  });

  // --- the page ---
  const root = el('div', 'xl-condition');
  root.style.font = '12px sans-serif';
  if (props.title !== undefined) root.append(el('div', 'xl-title', String(props.title)));
  const face = canvas2d(Math.round(props.width * scale), Math.round(props.height * scale));
  face.canvas.style.cursor = 'crosshair';
  const side = el('div', 'xl-side');
  side.style.minWidth = '300px';
  const pick = el('select', 'xl-landmark');
  names.forEach((name, j) => {
    const o = el('option', '', `${j} ${name}`);
    o.value = String(j);
    pick.append(o);
  });
  const suggestion = el('div', 'xl-suggestion');
  const useSuggestion = button('use suggestion', 'xl-use', () => {
    if (suggested >= 0) setSelected(suggested);
  });
  const showHeat = el('input', 'xl-show-heat');
  showHeat.type = 'checkbox';
  showHeat.checked = true;
  const showEll = el('input', 'xl-show-ellipses');
  showEll.type = 'checkbox';
  showEll.checked = true;
  const toggles = el('div', 'xl-toggles');
  const lh = el('label', '', ' heatmap ');
  lh.prepend(showHeat);
  const le = el('label', '', ' ellipses');
  le.prepend(showEll);
  toggles.append(lh, le);
  const buttons = el('div', 'xl-buttons');
  buttons.style.margin = '6px 0';
  buttons.append(
    button('undo', 'xl-undo', () => handle.undo()),
    button('reset', 'xl-reset', () => handle.reset()),
    button('copy .pts', 'xl-copy', () => void copyPts()),
  );
  const status = el('div', 'xl-status');
  const timing = el('div', 'xl-timing');
  status.style.whiteSpace = 'pre';
  const yawChart = canvas2d(300, 110);
  const rollChart = canvas2d(300, 110);
  const marg = el('div', 'xl-marginals');
  marg.style.whiteSpace = 'pre';
  const pickRow = el('div', 'xl-pick', 'landmark ');
  pickRow.append(pick);
  side.append(
    pickRow,
    suggestion,
    useSuggestion,
    toggles,
    buttons,
    status,
    timing,
    yawChart.canvas,
    rollChart.canvas,
    marg,
  );
  const row = el('div', 'xl-row');
  row.style.display = 'flex';
  row.style.gap = '12px';
  row.style.alignItems = 'flex-start';
  row.append(face.canvas, side);
  const outLabel = el(
    'div',
    'xl-out-label',
    'the clicks and the shape, for a following cell (select and copy):',
  );
  outLabel.style.marginTop = '6px';
  const outJson = el('textarea', 'xl-out-json');
  const outPts = el('textarea', 'xl-out-pts');
  for (const t of [outJson, outPts]) {
    t.readOnly = true;
    t.rows = 4;
    t.style.width = '100%';
    t.style.font = '11px monospace';
  }
  root.append(row, outLabel, outJson, outPts);
  parent.append(root);

  // --- state derived from the clicks (recomputed from the prior on every change: undo is exact) ---
  let selected = 0;
  let suggested = -1;
  let posterior: PosteriorLike = prior;
  let shape: Float32Array = posteriorShape(prior, table, box);
  let ms = 0;
  let image: HTMLImageElement | null = null;
  const heat = new HeatLayer();
  let heatmap: ReturnType<typeof posteriorHeatmap> | null = null;
  let ellipses: ReturnType<typeof landmarkEllipses> | null = null;

  function setSelected(j: number): void {
    selected = j;
    pick.value = String(j);
    heatmap = posteriorHeatmap(posterior, table, box, { landmark: j, cols });
    draw();
  }

  function recompute(): void {
    const t0 = performance.now();
    if (clicks.length > 0) {
      const ev: Evidence[] = clicks.map((c) => ({
        landmark: c.landmark,
        x: c.x,
        y: c.y,
        ...(props.clickSigma === undefined ? {} : { sigma: props.clickSigma }),
      }));
      const c = posteriorCondition(prior, table, box, ev);
      posterior = c.posterior;
      shape = c.snapped;
    } else {
      posterior = prior;
      shape = posteriorShape(prior, table, box);
    }
    ellipses = landmarkEllipses(posterior, table, box);
    const yaw = attributeMarginal(posterior, table, { attribute: 'yaw' });
    const roll = attributeMarginal(posterior, table, { attribute: 'roll' });
    if (suggest) {
      const done = new Set(clicks.map((c) => c.landmark));
      const candidates = names.map((_, j) => j).filter((j) => !done.has(j));
      suggested =
        candidates.length > 0 ? nextClick(posterior, table, box, { candidates }).ranking[0].landmark : -1;
    }
    if (suggested >= 0) selected = suggested;
    pick.value = String(selected);
    heatmap = posteriorHeatmap(posterior, table, box, { landmark: selected, cols });
    ms = performance.now() - t0;
    for (const [m, chart] of [
      [yaw, yawChart],
      [roll, rollChart],
    ] as const) {
      const i90 =
        m.intervals.find((i) => Math.abs(i.level - 0.95) < 1e-9) ?? m.intervals[m.intervals.length - 1];
      drawChart(
        chart.ctx,
        300,
        110,
        [{ x: m.centers, y: m.mass, color: '#1f77b4', label: `${m.attribute} (deg)` }],
        {
          marker: m.mean,
          yMin: 0,
          band: i90 === undefined ? undefined : [i90.lo, i90.hi],
        },
      );
    }
    const iv = (m: typeof yaw) => {
      const i = m.intervals[m.intervals.length - 1];
      return i === undefined ? '' : ` ${Math.round(100 * i.level)}% [${i.lo.toFixed(1)}, ${i.hi.toFixed(1)}]`;
    };
    marg.textContent = `yaw ${yaw.mean.toFixed(1)}°${iv(yaw)}\nroll ${roll.mean.toFixed(1)}°${iv(roll)}`;
  }

  function draw(): void {
    const ctx = face.ctx;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = '#202020';
    ctx.fillRect(0, 0, face.canvas.width, face.canvas.height);
    ctx.setTransform(scale, 0, 0, scale, 0, 0);
    if (image !== null) ctx.drawImage(image, 0, 0, props.width, props.height);
    if (showHeat.checked && heatmap !== null) {
      const r = heatmap.region;
      ctx.drawImage(
        heat.fill(heatmap.values, heatmap.cols, heatmap.rows),
        r.x + 0.5,
        r.y + 0.5,
        r.width,
        r.height,
      );
    }
    if (showEll.checked && ellipses !== null) {
      ctx.strokeStyle = 'rgba(0, 230, 255, 0.8)';
      ctx.lineWidth = 1 / scale;
      for (const e of ellipses.ellipses) {
        ctx.beginPath();
        ctx.ellipse(
          e.cx + 0.5,
          e.cy + 0.5,
          Math.max(e.major, 1e-3),
          Math.max(e.minor, 1e-3),
          e.angle,
          0,
          2 * Math.PI,
        );
        ctx.stroke();
      }
    }
    drawShapeOnContext(
      ctx,
      shape,
      resolveDrawShapeOptions(scheme, { radius: 1.5, lineWidth: 1 / scale, highlight: selected }),
    );
    ctx.strokeStyle = '#ff3030';
    ctx.lineWidth = 2 / scale;
    for (const c of clicks) {
      ctx.beginPath();
      ctx.moveTo(c.x + 0.5 - 3, c.y + 0.5);
      ctx.lineTo(c.x + 0.5 + 3, c.y + 0.5);
      ctx.moveTo(c.x + 0.5, c.y + 0.5 - 3);
      ctx.lineTo(c.x + 0.5, c.y + 0.5 + 3);
      ctx.stroke();
    }
    suggestion.textContent =
      suggested >= 0 ? `suggested next click: ${suggested} ${names[suggested]}` : 'no suggestion';
    status.textContent =
      `${clicks.length} click${clicks.length === 1 ? '' : 's'} · ${table.K} classes carried (ε = ${props.epsilon.toPrecision(2)})\n` +
      `next click: landmark ${selected} ${names[selected]}`;
    timing.textContent = `last update ${ms.toFixed(1)} ms`;
    const v = handle.value;
    outJson.value = JSON.stringify({ clicks: v.clicks, shape: v.shape });
    outPts.value = v.pts;
    root.dataset.value = JSON.stringify(v);
  }

  function changed(): void {
    recompute();
    draw();
    handle.onChange?.(handle.value);
    root.dispatchEvent(new CustomEvent('change', { detail: handle.value }));
  }

  async function copyPts(): Promise<void> {
    try {
      await navigator.clipboard.writeText(handle.value.pts);
      status.textContent += '\ncopied';
    } catch {
      outPts.select(); // the clipboard needs a secure context and permission: select the text instead
      status.textContent += '\nclipboard refused: the .pts text below is selected, press Ctrl-C';
    }
  }

  const handle: ClickCondition = {
    element: root,
    get value(): ConditionValue {
      const s = Array.from(shape, (v) => Math.round(v * 1e6) / 1e6);
      return { clicks: clicks.map((c) => ({ ...c })), shape: s, pts: ptsText(shape), ms };
    },
    get selected() {
      return selected;
    },
    set selected(j: number) {
      if (Number.isInteger(j) && j >= 0 && j < N) setSelected(j);
    },
    click(x: number, y: number) {
      clicks.push({ landmark: selected, x, y });
      changed();
    },
    undo() {
      if (clicks.length === 0) return;
      clicks.pop();
      changed();
    },
    reset() {
      if (clicks.length === 0) return;
      clicks.length = 0;
      changed();
    },
    onChange: null,
  };

  pick.addEventListener('change', () => setSelected(Number(pick.value)));
  showHeat.addEventListener('change', draw);
  showEll.addEventListener('change', draw);
  face.canvas.addEventListener('click', (ev) => {
    const rect = face.canvas.getBoundingClientRect();
    // CSS pixels → canvas pixels → image pixels; minus half a pixel for the pixel-centre convention.
    const x = ((ev.clientX - rect.left) * (face.canvas.width / rect.width)) / scale - 0.5;
    const y = ((ev.clientY - rect.top) * (face.canvas.height / rect.height)) / scale - 0.5;
    handle.click(x, y);
  });
  recompute();
  draw();
  void loadImage(props.imageUrl).then((img) => {
    image = img;
    draw();
  });
  return handle;
}

export const mount = clickCondition;

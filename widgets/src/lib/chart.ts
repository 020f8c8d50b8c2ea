/**
 * A tiny line chart on a canvas (the widgets draw their own charts: no Plotly bundle inside a widget).
 * Series share the axes; an optional vertical marker shows the current x.
 */

/** One line of the chart. */
export interface ChartSeries {
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  color: string;
  /** Legend text (drawn as text). */
  label: string;
  /** Optional band around the line (e.g. a credible interval): lower and upper y per x. */
  lo?: ArrayLike<number>;
  hi?: ArrayLike<number>;
}

/** Options of `drawChart`. */
export interface ChartOptions {
  logX?: boolean;
  xLabel?: string;
  marker?: number;
  yMin?: number;
  yMax?: number;
  /** An x range to shade (e.g. a credible interval). */
  band?: readonly [number, number];
}

/** Draws `series` into the whole canvas. */
export function drawChart(
  ctx: CanvasRenderingContext2D,
  width: number,
  height: number,
  series: ChartSeries[],
  o: ChartOptions = {},
): void {
  const L = 44;
  const R = 8;
  const T = 8;
  const B = 28;
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, width, height);
  const fx = (x: number) => (o.logX === true ? Math.log10(x) : x);
  let x0 = Infinity;
  let x1 = -Infinity;
  let y0 = o.yMin ?? Infinity;
  let y1 = o.yMax ?? -Infinity;
  for (const s of series) {
    for (let i = 0; i < s.x.length; i++) {
      x0 = Math.min(x0, fx(s.x[i]));
      x1 = Math.max(x1, fx(s.x[i]));
      if (o.yMin === undefined) y0 = Math.min(y0, s.lo?.[i] ?? s.y[i], s.y[i]);
      if (o.yMax === undefined) y1 = Math.max(y1, s.hi?.[i] ?? s.y[i], s.y[i]);
    }
  }
  if (!(x1 > x0)) x1 = x0 + 1;
  if (!(y1 > y0)) y1 = y0 + 1;
  const px = (x: number) => L + ((fx(x) - x0) / (x1 - x0)) * (width - L - R);
  const py = (y: number) => T + (1 - (y - y0) / (y1 - y0)) * (height - T - B);
  ctx.strokeStyle = '#444';
  ctx.lineWidth = 1;
  ctx.strokeRect(L, T, width - L - R, height - T - B);
  ctx.fillStyle = '#222';
  ctx.font = '10px sans-serif';
  ctx.textBaseline = 'top';
  ctx.fillText(y1.toPrecision(3), 2, T);
  ctx.fillText(y0.toPrecision(3), 2, height - B - 10);
  const xl = o.logX === true ? (v: number) => String(Math.round(10 ** v)) : (v: number) => v.toPrecision(3);
  ctx.fillText(xl(x0), L, height - B + 3);
  ctx.fillText(xl(x1), width - R - 30, height - B + 3);
  if (o.xLabel !== undefined) ctx.fillText(o.xLabel, L + (width - L - R) / 2 - 20, height - 12);
  if (o.band !== undefined) {
    ctx.fillStyle = 'rgba(255,127,14,0.2)';
    const a = px(o.band[0]);
    ctx.fillRect(a, T, px(o.band[1]) - a, height - T - B);
  }
  series.forEach((s, k) => {
    if (s.lo !== undefined && s.hi !== undefined) {
      ctx.fillStyle = s.color;
      ctx.globalAlpha = 0.18;
      ctx.beginPath();
      for (let i = 0; i < s.x.length; i++) ctx.lineTo(px(s.x[i]), py(s.hi[i]));
      for (let i = s.x.length - 1; i >= 0; i--) ctx.lineTo(px(s.x[i]), py(s.lo[i]));
      ctx.closePath();
      ctx.fill();
      ctx.globalAlpha = 1;
    }
    ctx.strokeStyle = s.color;
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    for (let i = 0; i < s.x.length; i++) ctx.lineTo(px(s.x[i]), py(s.y[i]));
    ctx.stroke();
    ctx.fillStyle = s.color;
    ctx.fillText(s.label, L + 6, T + 4 + 12 * k);
  });
  if (o.marker !== undefined) {
    ctx.strokeStyle = '#d62728';
    ctx.setLineDash([4, 3]);
    ctx.beginPath();
    ctx.moveTo(px(o.marker), T);
    ctx.lineTo(px(o.marker), height - B);
    ctx.stroke();
    ctx.setLineDash([]);
  }
}

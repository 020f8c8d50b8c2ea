/**
 * Attribute marginals (yaw, roll, pitch, … of the posterior over classes): one bar chart per attribute,
 * side by side, each with its credible interval shaded and its mean marked.
 */
import { ShapeError, ValueError } from '../errors';
import { describe } from '../util/validate';
import { type Figure, type FigureOptions, baseLayout, finiteSeries } from './figure';

/**
 * The marginal distribution of one attribute on bins: `reasoning.attributeMarginal`'s result fits as it is
 * (attribute, centers, mass, mean, intervals).
 */
export interface AttributeMarginalView {
  /** Attribute name, e.g. 'yaw'. */
  attribute: string;
  /** Bin centres (e.g. degrees). */
  centers: ArrayLike<number>;
  /** Probability of each bin (same length). */
  mass: ArrayLike<number>;
  /** Posterior mean. @default none */
  mean?: number;
  /** Credible intervals; the one at `opts.level` is shaded. @default none */
  intervals?: ReadonlyArray<{ level: number; lo: number; hi: number }>;
}

/** Options of `marginalsFigure`. */
export interface MarginalsFigureOptions extends FigureOptions {
  /** Level of the interval to shade (the widest one when absent). @default 0.95 */
  level?: number;
}

/** A vertical band or line over the full height of subplot `ax`. */
function vspan(
  type: 'rect' | 'line',
  ax: string,
  x0: number,
  x1: number,
  style: Record<string, unknown>,
): Record<string, unknown> {
  return { type, xref: `x${ax}`, yref: `y${ax} domain`, x0, x1, y0: 0, y1: 1, ...style };
}

/**
 * One subplot per marginal: bars of probability, the interval shaded, the mean as a vertical line.
 * @example show(marginalsFigure(['yaw', 'roll'].map((attribute) => reasoning.attributeMarginal(p, table, { attribute }))))
 */
export function marginalsFigure(
  marginals: readonly AttributeMarginalView[],
  opts: MarginalsFigureOptions = {},
): Figure {
  if (!Array.isArray(marginals) || marginals.length === 0) {
    throw new ShapeError(
      `marginalsFigure: argument 'marginals' expected a non-empty array of {attribute, centers, mass}, got ${describe(marginals)}`,
    );
  }
  const n = marginals.length;
  const gap = 0.06;
  const w = (1 - gap * (n - 1)) / n;
  const data: Figure['data'] = [];
  const shapes: Array<Record<string, unknown>> = [];
  const layout = baseLayout({ yTitle: 'probability', ...opts });
  const level = opts.level ?? 0.95;
  marginals.forEach((m: AttributeMarginalView, i) => {
    const fn = 'marginalsFigure';
    const values = finiteSeries(fn, `marginals[${i}].centers`, m?.centers);
    const probs = finiteSeries(fn, `marginals[${i}].mass`, m.mass, values.length);
    if (probs.some((p) => p < 0)) {
      throw new ValueError(`${fn}: argument 'marginals[${i}].mass' expected non-negative probabilities`);
    }
    const ax = i === 0 ? '' : String(i + 1);
    data.push({
      type: 'bar',
      name: m.attribute,
      x: values,
      y: probs,
      xaxis: `x${ax}`,
      yaxis: `y${ax}`,
      showlegend: false,
    });
    if (i > 0) layout[`yaxis${ax}`] = { anchor: `x${ax}` };
    const parts = [m.attribute];
    if (m.mean !== undefined) {
      const [mean] = finiteSeries(fn, `marginals[${i}].mean`, [m.mean]);
      shapes.push(vspan('line', ax, mean, mean, { line: { color: '#d62728', width: 2 } }));
      parts.push(`mean ${mean.toFixed(1)}`);
    }
    const ivs = m.intervals ?? [];
    const iv =
      ivs.find((c) => Math.abs(c.level - level) < 1e-9) ??
      (opts.level === undefined ? ivs.at(-1) : undefined);
    if (iv !== undefined) {
      const [lo, hi] = finiteSeries(fn, `marginals[${i}].intervals[level ${iv.level}]`, [iv.lo, iv.hi]);
      if (!(lo <= hi)) {
        throw new ValueError(
          `${fn}: argument 'marginals[${i}].intervals' expected lo <= hi, got [${lo}, ${hi}]`,
        );
      }
      shapes.push(
        vspan('rect', ax, lo, hi, { fillcolor: 'rgba(255,127,14,0.18)', line: { width: 0 }, layer: 'below' }),
      );
      parts.push(`${Math.round(100 * iv.level)}% [${lo.toFixed(1)}, ${hi.toFixed(1)}]`);
    }
    layout[`xaxis${ax}`] = {
      domain: [i * (w + gap), i * (w + gap) + w],
      title: { text: parts.join(' · ') },
      anchor: `y${ax}`,
    };
  });
  layout.shapes = shapes;
  layout.bargap = 0.05;
  return { data, layout };
}

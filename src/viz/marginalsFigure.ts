/**
 * Attribute marginals (yaw, roll, pitch, … of the posterior over classes): one bar chart per attribute,
 * side by side, each with its credible interval shaded and its mean marked.
 */
import { ShapeError, ValueError } from '../errors';
import { describe } from '../util/validate';
import { type Figure, type FigureOptions, baseLayout, finiteSeries } from './figure';

/** The marginal distribution of one attribute, on bins. */
export interface AttributeMarginalView {
  /** Attribute name, e.g. 'yaw'. */
  name: string;
  /** Bin centres (e.g. degrees). */
  values: ArrayLike<number>;
  /** Probability of each bin (same length). */
  probs: ArrayLike<number>;
  /** Posterior mean. @default none */
  mean?: number;
  /** Credible interval [lo, hi]. @default none */
  interval?: readonly [number, number];
  /** Mass of the interval (for the legend), e.g. 0.9. @default none */
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
 * @example show(marginalsFigure([{ name: 'yaw', values: centres, probs, mean, interval: [lo, hi], level: 0.9 }]))
 */
export function marginalsFigure(
  marginals: readonly AttributeMarginalView[],
  opts: FigureOptions = {},
): Figure {
  if (!Array.isArray(marginals) || marginals.length === 0) {
    throw new ShapeError(
      `marginalsFigure: argument 'marginals' expected a non-empty array of {name, values, probs}, got ${describe(marginals)}`,
    );
  }
  const n = marginals.length;
  const gap = 0.06;
  const w = (1 - gap * (n - 1)) / n;
  const data: Figure['data'] = [];
  const shapes: Array<Record<string, unknown>> = [];
  const layout = baseLayout({ yTitle: 'probability', ...opts });
  marginals.forEach((m, i) => {
    const fn = 'marginalsFigure';
    const values = finiteSeries(fn, `marginals[${i}].values`, m?.values);
    const probs = finiteSeries(fn, `marginals[${i}].probs`, m.probs, values.length);
    if (probs.some((p) => p < 0)) {
      throw new ValueError(`${fn}: argument 'marginals[${i}].probs' expected non-negative probabilities`);
    }
    const ax = i === 0 ? '' : String(i + 1);
    data.push({
      type: 'bar',
      name: m.name,
      x: values,
      y: probs,
      xaxis: `x${ax}`,
      yaxis: `y${ax}`,
      showlegend: false,
    });
    layout[`xaxis${ax}`] = {
      domain: [i * (w + gap), i * (w + gap) + w],
      title: { text: m.name },
      anchor: `y${ax}`,
    };
    if (i > 0) layout[`yaxis${ax}`] = { anchor: `x${ax}` };
    if (m.interval !== undefined) {
      const [lo, hi] = finiteSeries(fn, `marginals[${i}].interval`, m.interval, 2);
      if (!(lo <= hi))
        throw new ValueError(
          `${fn}: argument 'marginals[${i}].interval' expected lo <= hi, got [${lo}, ${hi}]`,
        );
      shapes.push(
        vspan('rect', ax, lo, hi, { fillcolor: 'rgba(255,127,14,0.18)', line: { width: 0 }, layer: 'below' }),
      );
    }
    if (m.mean !== undefined) {
      const [mean] = finiteSeries(fn, `marginals[${i}].mean`, [m.mean]);
      shapes.push(vspan('line', ax, mean, mean, { line: { color: '#d62728', width: 2 } }));
    }
    const parts = [m.mean === undefined ? '' : `mean ${m.mean.toFixed(1)}`];
    if (m.interval !== undefined) {
      const lvl = m.level === undefined ? '' : `${Math.round(100 * m.level)}% `;
      parts.push(`${lvl}[${m.interval[0].toFixed(1)}, ${m.interval[1].toFixed(1)}]`);
    }
    layout[`xaxis${ax}`] = {
      ...(layout[`xaxis${ax}`] as object),
      title: { text: [m.name, ...parts.filter((p) => p !== '')].join(' · ') },
    };
  });
  layout.shapes = shapes;
  layout.bargap = 0.05;
  return { data, layout };
}

/**
 * The paper's summary plots as figure specs: the membership-set size histogram (Fig. 4: |M_i| per
 * training example at a radius tau) and the landmark error against the number of classes K (Fig. 3).
 */
import { ShapeError } from '../errors';
import { describe } from '../util/validate';
import { type Figure, type FigureOptions, baseLayout, finiteSeries } from './figure';
import { histogramFigure } from './histogramFigure';

/** Options of `membershipSizeFigure`. */
export interface MembershipSizeFigureOptions extends FigureOptions {
  /** Number of bins. @default 30 */
  bins?: number;
  /** The radius the sets were computed at, for the title. @default none */
  tau?: number;
}

/**
 * Histogram of membership-set sizes |M_i| (Fig. 4), with the mean and the share of empty sets in the title.
 * @example show(membershipSizeFigure(sizes, { tau: 0.05 }))
 */
export function membershipSizeFigure(
  sizes: ArrayLike<number>,
  opts: MembershipSizeFigureOptions = {},
): Figure {
  const s = finiteSeries('membershipSizeFigure', 'sizes', sizes);
  if (s.length === 0)
    throw new ShapeError(`membershipSizeFigure: argument 'sizes' expected at least one size, got none`);
  const mean = s.reduce((a, b) => a + b, 0) / s.length;
  const empty = s.filter((x) => x === 0).length / s.length;
  const max = Math.max(...s);
  const head = opts.tau === undefined ? '|M_i|' : `|M_i| at tau = ${opts.tau}`;
  return histogramFigure([{ name: '|M_i|', values: s }], {
    title: `${head}: mean ${mean.toFixed(1)}, empty ${(100 * empty).toFixed(1)}%`,
    xTitle: 'membership set size |M_i|',
    yTitle: 'training examples',
    bins: opts.bins ?? 30,
    range: [0, Math.max(1, max)],
    ...opts,
  });
}

/** One point of an error-against-K curve (the rows of `experiments.lossesVsK` fit). */
export interface ErrorVsKPoint {
  /** Curve the point belongs to (e.g. the loss). */
  loss: string;
  K: number;
  /** y value (e.g. mean landmark error / box diagonal). */
  landmarkError: number;
  /** True for the K = M exemplar point (marked with a star). @default false */
  exemplar?: boolean;
}

/**
 * Landmark error against K on a logarithmic K axis, one line per loss (Fig. 3); exemplar (K = M) points
 * drawn as stars.
 * @example show(errorVsKFigure(lossesVsK(data).rows))
 */
export function errorVsKFigure(rows: readonly ErrorVsKPoint[], opts: FigureOptions = {}): Figure {
  if (!Array.isArray(rows) || rows.length === 0) {
    throw new ShapeError(
      `errorVsKFigure: argument 'rows' expected a non-empty array of {loss, K, landmarkError}, got ${describe(rows)}`,
    );
  }
  const losses = [...new Set(rows.map((r) => String(r.loss)))];
  const data = losses.map((loss) => {
    const rs = rows.filter((r) => String(r.loss) === loss).sort((a, b) => a.K - b.K);
    return {
      type: 'scatter',
      mode: 'lines+markers',
      name: loss,
      x: finiteSeries(
        'errorVsKFigure',
        `rows[loss=${loss}].K`,
        rs.map((r) => r.K),
      ),
      y: finiteSeries(
        'errorVsKFigure',
        `rows[loss=${loss}].landmarkError`,
        rs.map((r) => r.landmarkError),
      ),
      marker: {
        symbol: rs.map((r) => (r.exemplar === true ? 'star' : 'circle')),
        size: rs.map((r) => (r.exemplar === true ? 12 : 7)),
      },
    };
  });
  const layout = baseLayout({
    xTitle: 'number of classes K',
    yTitle: 'landmark error / box diagonal',
    ...opts,
  });
  layout.xaxis = { ...(layout.xaxis as object), type: 'log' };
  return { data, layout };
}

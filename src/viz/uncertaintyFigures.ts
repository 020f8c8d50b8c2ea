/**
 * How good is the uncertainty: calibration (nominal against observed coverage of credible regions) and
 * risk–coverage (mean error of the most confident fraction of faces, as the rest are rejected).
 */
import { ShapeError, ValueError } from '../errors';
import { describe } from '../util/validate';
import { type Figure, type FigureOptions, baseLayout, finiteSeries } from './figure';

/** One calibration curve: at each nominal level, the observed frequency. */
export interface CalibrationSeries {
  name: string;
  /** Nominal probabilities (e.g. credible-interval levels 0.5, 0.8, 0.9, 0.95). */
  expected: ArrayLike<number>;
  /** Observed frequencies at those levels (same length). */
  observed: ArrayLike<number>;
}

/**
 * Calibration curves with the diagonal of perfect calibration.
 * @example show(calibrationFigure([{ name: 'yaw 90%', expected: levels, observed: hits }]))
 */
export function calibrationFigure(series: readonly CalibrationSeries[], opts: FigureOptions = {}): Figure {
  if (!Array.isArray(series) || series.length === 0) {
    throw new ShapeError(
      `calibrationFigure: argument 'series' expected a non-empty array of {name, expected, observed}, got ${describe(series)}`,
    );
  }
  const data: Figure['data'] = [
    {
      type: 'scatter',
      mode: 'lines',
      name: 'perfect',
      x: [0, 1],
      y: [0, 1],
      line: { dash: 'dash', color: '#999' },
    },
  ];
  series.forEach((s, i) => {
    const x = finiteSeries('calibrationFigure', `series[${i}].expected`, s?.expected);
    const y = finiteSeries('calibrationFigure', `series[${i}].observed`, s.observed, x.length);
    if ([...x, ...y].some((v) => v < 0 || v > 1)) {
      throw new ValueError(`calibrationFigure: argument 'series[${i}]' expected probabilities in [0, 1]`);
    }
    data.push({ type: 'scatter', mode: 'lines+markers', name: s.name, x, y });
  });
  const layout = baseLayout({ xTitle: 'nominal probability', yTitle: 'observed frequency', ...opts });
  layout.xaxis = { ...(layout.xaxis as object), range: [0, 1] };
  layout.yaxis = { ...(layout.yaxis as object), range: [0, 1], scaleanchor: 'x' };
  return { data, layout };
}

/** A risk–coverage curve, computed from per-face uncertainty and error. */
export interface RiskCoverageCurve {
  /** k/n for k = 1 … n. */
  coverage: Float64Array;
  /** Mean error of the k faces with the lowest uncertainty. */
  risk: Float64Array;
  /** Area under the curve (mean of `risk`): lower is better. */
  aurc: number;
}

/**
 * Sorts faces by `uncertainty` (ascending; ties keep input order) and accumulates the mean `error`.
 * @example riskCoverage(entropies, nme).aurc
 */
export function riskCoverage(uncertainty: ArrayLike<number>, error: ArrayLike<number>): RiskCoverageCurve {
  const u = finiteSeries('riskCoverage', 'uncertainty', uncertainty);
  const e = finiteSeries('riskCoverage', 'error', error, u.length);
  if (u.length === 0)
    throw new ShapeError(`riskCoverage: argument 'uncertainty' expected at least one face, got none`);
  const order = u.map((_, i) => i).sort((a, b) => u[a] - u[b] || a - b);
  const n = u.length;
  const coverage = new Float64Array(n);
  const risk = new Float64Array(n);
  let sum = 0;
  let area = 0;
  for (let k = 0; k < n; k++) {
    sum += e[order[k]];
    coverage[k] = (k + 1) / n;
    risk[k] = sum / (k + 1);
    area += risk[k];
  }
  return { coverage, risk, aurc: area / n };
}

/**
 * Risk–coverage curves of several uncertainty scores (and, as a reference, the oracle that rejects the
 * largest errors first when `oracle` is set).
 * @example show(riskCoverageFigure([{ name: 'entropy', uncertainty: h, error: nme }], { oracle: true }))
 */
export function riskCoverageFigure(
  series: ReadonlyArray<{ name: string; uncertainty: ArrayLike<number>; error: ArrayLike<number> }>,
  opts: FigureOptions & {
    /** Add the oracle curve of the first series' errors. @default false */ oracle?: boolean;
  } = {},
): Figure {
  if (!Array.isArray(series) || series.length === 0) {
    throw new ShapeError(
      `riskCoverageFigure: argument 'series' expected a non-empty array of {name, uncertainty, error}, got ${describe(series)}`,
    );
  }
  const curves = series.map((s) => ({ name: s.name, c: riskCoverage(s?.uncertainty, s.error) }));
  if (opts.oracle === true)
    curves.push({ name: 'oracle', c: riskCoverage(series[0].error, series[0].error) });
  const data = curves.map(({ name, c }) => ({
    type: 'scatter',
    mode: 'lines',
    name: `${name} (AURC ${c.aurc.toFixed(4)})`,
    x: Array.from(c.coverage),
    y: Array.from(c.risk),
    ...(name === 'oracle' && opts.oracle === true ? { line: { dash: 'dot', color: '#999' } } : {}),
  }));
  const layout = baseLayout({
    xTitle: 'coverage (fraction of faces kept)',
    yTitle: 'mean error of kept faces',
    ...opts,
  });
  layout.xaxis = { ...(layout.xaxis as object), range: [0, 1] };
  return { data, layout };
}

/**
 * How good the uncertainty is, as figures of the reasoning module's results: calibration (nominal level
 * against observed coverage of credible regions, `reasoning.calibrationReport`'s rows) and risk–coverage
 * (failure rate of the faces kept when the most uncertain are rejected, `reasoning.riskCoverage`).
 */
import { ShapeError, ValueError } from '../errors';
import { describe } from '../util/validate';
import { type Figure, type FigureOptions, baseLayout, finiteSeries } from './figure';

/** One calibration curve: coverage rows ({ level, coverage }, as `CalibrationReport.yawCoverage`). */
export interface CalibrationSeries {
  name: string;
  rows: ReadonlyArray<{ level: number; coverage: number }>;
}

/**
 * Calibration curves with the diagonal of perfect calibration (below it: over-confident).
 * @example const r = reasoning.calibrationReport(items, table);
 * show(calibrationFigure([{ name: 'yaw intervals', rows: r.yawCoverage }, { name: 'ellipses', rows: r.ellipseCoverage }]))
 */
export function calibrationFigure(series: readonly CalibrationSeries[], opts: FigureOptions = {}): Figure {
  if (!Array.isArray(series) || series.length === 0) {
    throw new ShapeError(
      `calibrationFigure: argument 'series' expected a non-empty array of {name, rows}, got ${describe(series)}`,
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
    if (!Array.isArray(s?.rows)) {
      throw new ShapeError(
        `calibrationFigure: argument 'series[${i}].rows' expected an array of {level, coverage}, got ${describe(s?.rows)}`,
      );
    }
    const rows: CalibrationSeries['rows'] = s.rows;
    const x = finiteSeries(
      'calibrationFigure',
      `series[${i}].rows[].level`,
      rows.map((r) => r.level),
    );
    const y = finiteSeries(
      'calibrationFigure',
      `series[${i}].rows[].coverage`,
      rows.map((r) => r.coverage),
    );
    if ([...x, ...y].some((v) => v < 0 || v > 1)) {
      throw new ValueError(
        `calibrationFigure: argument 'series[${i}].rows' expected levels and coverages in [0, 1]`,
      );
    }
    data.push({ type: 'scatter', mode: 'lines+markers', name: s.name, x, y });
  });
  const layout = baseLayout({ xTitle: 'nominal level', yTitle: 'observed coverage', ...opts });
  layout.xaxis = { ...(layout.xaxis as object), range: [0, 1] };
  layout.yaxis = { ...(layout.yaxis as object), range: [0, 1], scaleanchor: 'x' };
  return { data, layout };
}

/** A risk–coverage curve as `reasoning.riskCoverage` returns it. */
export interface RiskCoverageView {
  points: ReadonlyArray<{ coverage: number; failureRate: number; oracleFailureRate: number }>;
  area: number;
  oracleArea: number;
}

/**
 * Failure rate of the kept faces against the fraction kept, one curve per uncertainty score, and the
 * oracle (rejecting the largest errors first) of the first as a dotted reference.
 * @example show(riskCoverageFigure([{ name: 'spread', curve: reasoning.riskCoverage(spreads, nme) }]))
 */
export function riskCoverageFigure(
  curves: ReadonlyArray<{ name: string; curve: RiskCoverageView }>,
  opts: FigureOptions = {},
): Figure {
  if (!Array.isArray(curves) || curves.length === 0) {
    throw new ShapeError(
      `riskCoverageFigure: argument 'curves' expected a non-empty array of {name, curve}, got ${describe(curves)}`,
    );
  }
  const trace = (name: string, c: RiskCoverageView, i: number, oracle: boolean) => ({
    type: 'scatter',
    mode: 'lines',
    name: `${name} (area ${(oracle ? c.oracleArea : c.area).toFixed(4)})`,
    x: finiteSeries(
      'riskCoverageFigure',
      `curves[${i}].curve.points[].coverage`,
      c.points.map((p) => p.coverage),
    ),
    y: finiteSeries(
      'riskCoverageFigure',
      `curves[${i}].curve.points[].${oracle ? 'oracleFailureRate' : 'failureRate'}`,
      c.points.map((p) => (oracle ? p.oracleFailureRate : p.failureRate)),
    ),
    ...(oracle ? { line: { dash: 'dot', color: '#999' } } : {}),
  });
  const data = curves.map((c, i) => {
    if (!Array.isArray(c?.curve?.points)) {
      throw new ShapeError(
        `riskCoverageFigure: argument 'curves[${i}].curve' expected a riskCoverage result, got ${describe(c?.curve)}`,
      );
    }
    return trace(c.name, c.curve, i, false);
  });
  data.push(trace('oracle', curves[0].curve, 0, true));
  const layout = baseLayout({
    xTitle: 'coverage (fraction of faces kept)',
    yTitle: 'failure rate of kept faces',
    ...opts,
  });
  layout.xaxis = { ...(layout.xaxis as object), range: [0, 1] };
  return { data, layout };
}

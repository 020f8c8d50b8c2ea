/** Training curves: the loss per epoch (left axis) and the validation error per epoch (right axis). */
import { ShapeError, ValueError } from '../errors';
import { describe } from '../util/validate';
import { type Figure, type FigureOptions, baseLayout, finiteSeries } from './figure';

/** One epoch of a training history (`model.train`'s `history` rows fit). */
export interface TrainingEpoch {
  epoch: number;
  loss: number;
  /** Validation error of the epoch, when there was validation data. @default none */
  validationError?: number;
}

/** Options of `trainingFigure`. */
export interface TrainingFigureOptions extends FigureOptions {
  /** Logarithmic loss axis. @default false */
  logLoss?: boolean;
  /** Epoch to mark (e.g. `bestEpoch` of the result). @default none */
  bestEpoch?: number;
}

/**
 * The loss and (where present) the validation error of each epoch; several runs may be overlaid by
 * passing `{ name, history }` pairs.
 * @example show(trainingFigure([{ name: 'multiLabel', history: result.history }], { bestEpoch: result.bestEpoch }))
 */
export function trainingFigure(
  runs: ReadonlyArray<{ name: string; history: readonly TrainingEpoch[] }>,
  opts: TrainingFigureOptions = {},
): Figure {
  if (!Array.isArray(runs) || runs.length === 0) {
    throw new ShapeError(
      `trainingFigure: argument 'runs' expected a non-empty array of {name, history}, got ${describe(runs)}`,
    );
  }
  const data: Figure['data'] = [];
  runs.forEach((run, r) => {
    if (!Array.isArray(run?.history) || run.history.length === 0) {
      throw new ShapeError(
        `trainingFigure: argument 'runs[${r}].history' expected a non-empty array of epochs, got ${describe(run?.history)}`,
      );
    }
    const h: readonly TrainingEpoch[] = run.history;
    const x = finiteSeries(
      'trainingFigure',
      `runs[${r}].history[].epoch`,
      h.map((e) => e.epoch),
    );
    const loss = finiteSeries(
      'trainingFigure',
      `runs[${r}].history[].loss`,
      h.map((e) => e.loss),
    );
    data.push({ type: 'scatter', mode: 'lines+markers', name: `${run.name} loss`, x, y: loss });
    const withVal = h.filter((e) => e.validationError !== undefined);
    if (withVal.length > 0) {
      data.push({
        type: 'scatter',
        mode: 'lines+markers',
        line: { dash: 'dot' },
        name: `${run.name} validation error`,
        x: withVal.map((e) => e.epoch),
        y: finiteSeries(
          'trainingFigure',
          `runs[${r}].history[].validationError`,
          withVal.map((e) => e.validationError),
        ),
        yaxis: 'y2',
      });
    }
  });
  const layout = baseLayout({ xTitle: 'epoch', yTitle: 'training loss', ...opts });
  if (opts.logLoss === true) layout.yaxis = { ...(layout.yaxis as object), type: 'log' };
  if (data.some((t) => t.yaxis === 'y2')) {
    layout.yaxis2 = { title: { text: 'validation error' }, overlaying: 'y', side: 'right' };
    layout.margin = { ...(layout.margin as object), r: 60 };
  }
  if (opts.bestEpoch !== undefined) {
    if (!Number.isFinite(opts.bestEpoch)) {
      throw new ValueError(
        `trainingFigure: argument 'opts.bestEpoch' expected a number, got ${describe(opts.bestEpoch)}`,
      );
    }
    layout.shapes = [
      {
        type: 'line',
        xref: 'x',
        yref: 'paper',
        x0: opts.bestEpoch,
        x1: opts.bestEpoch,
        y0: 0,
        y1: 1,
        line: { dash: 'dash', color: '#888' },
      },
    ];
  }
  return { data, layout };
}

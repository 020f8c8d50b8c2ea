/** The top exemplars of a prediction: the query face followed by its nearest training faces, captioned. */
import { ShapeError } from '../errors';
import type { Raster } from '../types';
import { describe } from '../util/validate';
import { type ContactSheetOptions, contactSheet } from './contactSheet';

/** One neighbour to show. */
export interface ExemplarView {
  /** The exemplar's face (e.g. its crop with its landmarks drawn). */
  raster: Raster;
  /** Caption text (e.g. the exemplar id). @default '#rank' */
  label?: string;
  /** Similarity or probability, printed after the label with 3 decimals. @default none */
  score?: number;
}

/**
 * A contact sheet: `query` first (captioned `queryLabel`), then each exemplar with its label and score.
 * @example show(exemplarsSheet(drawLandmarks(img, pred), top.map((t) => ({ raster: t.image, label: t.id, score: t.p }))))
 */
export function exemplarsSheet(
  query: Raster,
  exemplars: readonly ExemplarView[],
  opts: Partial<ContactSheetOptions> & {
    /** Caption of the query. @default 'query' */ queryLabel?: string;
  } = {},
): Raster {
  if (!Array.isArray(exemplars) || exemplars.length === 0) {
    throw new ShapeError(
      `exemplarsSheet: argument 'exemplars' expected a non-empty array of {raster}, got ${describe(exemplars)}`,
    );
  }
  const labels = [
    opts.queryLabel ?? 'query',
    ...exemplars.map((e, i) => {
      const name = e?.label ?? `#${i + 1}`;
      return e.score === undefined ? name : `${name} ${e.score.toFixed(3)}`;
    }),
  ];
  const { queryLabel: _q, ...sheet } = opts;
  return contactSheet([query, ...exemplars.map((e) => e.raster)], {
    columns: Math.min(6, exemplars.length + 1),
    ...sheet,
    labels: opts.labels ?? labels,
  });
}

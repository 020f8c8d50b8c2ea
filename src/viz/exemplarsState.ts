/**
 * The exemplars widget's props from the nearest-neighbour results (`neighbors.topExemplars`, by weights and
 * by features): each exemplar's face with its landmarks drawn, as PNG, and its cosine similarity.
 */
import type { ExemplarMatch } from '../neighbors/topExemplars';
import { ShapeError } from '../errors';
import type { Raster } from '../types';
import { describe } from '../util/validate';
import { drawLandmarks } from './drawLandmarks';
import { rasterToDataUrl } from './widgetHtml';
import type { ExemplarJson, ExemplarsState } from './widgetStates';

function exemplarJson(m: ExemplarMatch): ExemplarJson {
  const out: ExemplarJson = { id: String(m.id), similarity: m.similarity };
  if (m.image !== undefined) {
    out.imageUrl = rasterToDataUrl(
      m.landmarks === undefined ? m.image : drawLandmarks(m.image, m.landmarks, { radius: 1 }),
    );
  }
  return out;
}

/**
 * Props of the `exemplars` widget.
 * @example show(widgetHtml('exemplars', exemplarsState(drawn, 'face 3', topExemplars(m, emb, img, box, { by: 'weights', samples }), topExemplars(m, emb, img, box, { by: 'features', samples }))))
 */
export function exemplarsState(
  face: Raster,
  label: string,
  byWeights: readonly ExemplarMatch[],
  byFeatures: readonly ExemplarMatch[],
  opts: { title?: string; size?: number } = {},
): ExemplarsState {
  for (const [name, v] of [
    ['byWeights', byWeights],
    ['byFeatures', byFeatures],
  ] as const) {
    if (!Array.isArray(v)) {
      throw new ShapeError(
        `exemplarsState: argument '${name}' expected an array of matches, got ${describe(v)}`,
      );
    }
  }
  const state: ExemplarsState = {
    kind: 'exemplar-landmarks/exemplars',
    imageUrl: rasterToDataUrl(face),
    label: String(label),
    byWeights: byWeights.map(exemplarJson),
    byFeatures: byFeatures.map(exemplarJson),
  };
  if (opts.title !== undefined) state.title = String(opts.title);
  if (opts.size !== undefined) state.size = opts.size;
  return state;
}

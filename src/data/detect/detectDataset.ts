/** `detectDataset`: runs the face detector over a dataset and matches a detection to every annotated face. */
import type { Dataset } from '../datasets';
import { ValueError } from '../../errors';
import type { Box } from '../../types';
import { describe } from '../../util';
import { assertDataset } from '../datasets/viewDataset';
import { boxIou } from './boxIou';
import { type DetectFacesOptions, detectFaces, detectOptions, type FaceDetection } from './detectFaces';

/** Options of {@link detectDataset}: the detector's, plus a progress callback. */
export interface DetectDatasetOptions extends DetectFacesOptions {
  /** Called after each item with (items done, items in all). @default undefined */
  onProgress?: (done: number, total: number) => void;
}

/** The detection of an annotated face: among those whose centre lies in its ground-truth box, the one overlapping it most. */
export function matchDetection(detections: readonly FaceDetection[], truth: Box): Box | undefined {
  let best: Box | undefined;
  let bestIou = -1;
  for (const d of detections) {
    const cx = d.box.x + d.box.width / 2;
    const cy = d.box.y + d.box.height / 2;
    if (cx < truth.x || cx > truth.x + truth.width || cy < truth.y || cy > truth.y + truth.height) continue;
    const iou = boxIou(d.box, truth);
    if (iou > bestIou) {
      bestIou = iou;
      best = d.box;
    }
  }
  return best;
}

/**
 * One detector box per item (undefined where the detector missed the face or the image could not be
 * read), for `datasets.withDetections(ds, { boxes })`. A photo with several annotated faces is run once.
 * @example const real = datasets.withDetections(ds, { boxes: await detect.detectDataset(ds) })
 */
export async function detectDataset(
  ds: Dataset,
  opts: DetectDatasetOptions = {},
): Promise<Array<Box | undefined>> {
  assertDataset('detectDataset', 'ds', ds);
  const { onProgress, ...detOpts } = opts;
  detectOptions('detectDataset', detOpts);
  if (onProgress !== undefined && typeof onProgress !== 'function') {
    throw new ValueError(
      `detectDataset: argument 'opts.onProgress' expected a function, got ${describe(onProgress)}`,
    );
  }
  const out = new Array<Box | undefined>(ds.size).fill(undefined);
  let lastFile: string | undefined;
  let lastDetections: FaceDetection[] = [];
  for (let i = 0; i < ds.size; i++) {
    const info = ds.info(i);
    const file =
      typeof info.meta?.imageFile === 'string' && info.meta.flipped !== true
        ? info.meta.imageFile
        : undefined;
    if (file === undefined || file !== lastFile) {
      const s = ds.tryGet(i);
      lastFile = undefined;
      lastDetections = [];
      if (s !== undefined) {
        lastDetections = await detectFaces(s.image, detOpts);
        lastFile = file;
      }
    }
    out[i] = matchDetection(lastDetections, info.box);
    onProgress?.(i + 1, ds.size);
  }
  return out;
}

/**
 * `peerLandmarks68`: a real peer's 68 landmarks, from `@vladmandic/face-api`'s `faceLandmark68Net` (a CNN
 * regressor; its weights ship inside the npm package), for a given image and face box: what face-api's
 * `detectAllFaces().withFaceLandmarks()` computes after its detector, with the box chosen by the caller so that
 * both systems can be scored on the same boxes.
 *
 * As in face-api, the box is clipped to the image and floored to whole pixels, that crop is padded to a square,
 * resized to the net's 112×112 input and the 68 points are read back in the crop (face-api itself shifts them by the
 * unclipped box; here by the clipped one, which is where the crop came from). Points are iBUG-68 in the project's
 * pixel convention ((0, 0) at the centre of the top-left pixel).
 */
import * as tf from '@tensorflow/tfjs';
import { ValueError } from '../../errors';
import { boxValidate } from '../../landmarks/box';
import type { Box, Raster, Shape } from '../../types';
import { assertOneOf, describe } from '../../util';
import { assertRaster, rasterToChannels } from '../io';
import { type FaceLandmarkModel, faceApi, load } from './faceApi';

/** Options of {@link peerLandmarks68}. */
export interface PeerLandmarksOptions {
  /** Which of face-api's landmark nets. @default 'faceLandmark68Net' */
  model?: FaceLandmarkModel;
}

/** Points of face-api's landmark nets. */
const PEER_POINTS = 68;

/** The box face-api crops: clipped to the image and floored (face-api's `clipAtImageBorders`). */
export function peerCropBox(box: Box, width: number, height: number): Box {
  // the project's (0, 0) is a pixel centre; face-api's is the image corner
  const x0 = Math.max(0, box.x + 0.5);
  const y0 = Math.max(0, box.y + 0.5);
  const x1 = Math.min(width, box.x + 0.5 + box.width);
  const y1 = Math.min(height, box.y + 0.5 + box.height);
  return { x: Math.floor(x0), y: Math.floor(y0), width: Math.floor(x1 - x0), height: Math.floor(y1 - y0) };
}

/**
 * The 68 points face-api's landmark net gives for each box of one image (one shape per box, in pixels). Loads the
 * net on first use; every tensor it makes is disposed before it returns. A box with less than a pixel inside the
 * image is a ValueError.
 * @example const [shape] = await detect.peerLandmarks68(image, [sample.detection ?? sample.box])
 */
export async function peerLandmarks68(
  raster: Raster,
  boxes: readonly Box[],
  opts: PeerLandmarksOptions = {},
): Promise<Shape[]> {
  const fn = 'peerLandmarks68';
  assertRaster(fn, 'raster', raster);
  if (!Array.isArray(boxes)) {
    throw new ValueError(`${fn}: argument 'boxes' expected an array of boxes, got ${describe(boxes)}`);
  }
  const model = opts.model ?? 'faceLandmark68Net';
  assertOneOf(fn, 'opts.model', model, ['faceLandmark68Net', 'faceLandmark68TinyNet'] as const);
  const crops = boxes.map((b, i) => {
    boxValidate(fn, `boxes[${i}]`, b);
    const c = peerCropBox(b, raster.width, raster.height);
    if (c.width < 1 || c.height < 1) {
      throw new ValueError(
        `${fn}: argument 'boxes[${i}]' expected a box overlapping the ${raster.width}×${raster.height} image by a pixel or more, got ${JSON.stringify(b)}`,
      );
    }
    return c;
  });
  if (crops.length === 0) return [];
  await load(model);
  const net = faceApi().nets[model];
  const rgb = rasterToChannels(raster, 3);
  const out: Shape[] = [];
  for (const c of crops) {
    // only the crop goes to the engine (a 1920×1080 photo would cost more to upload than the net to run)
    const px = new Float32Array(c.width * c.height * 3);
    for (let y = 0; y < c.height; y++) {
      const row = ((c.y + y) * rgb.width + c.x) * 3;
      for (let j = 0; j < c.width * 3; j++) px[y * c.width * 3 + j] = rgb.data[row + j];
    }
    const face = tf.tensor3d(px, [c.height, c.width, 3], 'float32');
    try {
      const lm = await net.detectLandmarks(face as unknown as Parameters<typeof net.detectLandmarks>[0]);
      const pts = (Array.isArray(lm) ? lm[0] : lm).positions;
      if (pts.length !== PEER_POINTS) {
        throw new ValueError(
          `${fn}: face-api's ${model} returned ${pts.length} points, expected ${PEER_POINTS}`,
        );
      }
      const s = new Float32Array(2 * PEER_POINTS);
      pts.forEach((p, i) => {
        s[2 * i] = c.x + p.x - 0.5;
        s[2 * i + 1] = c.y + p.y - 0.5;
      });
      out.push(s);
    } finally {
      face.dispose();
    }
  }
  return out;
}

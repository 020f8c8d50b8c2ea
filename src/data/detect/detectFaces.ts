/** `detectFaces`: faces in a raster, found by face-api's detectors, as boxes in the project's Box type. */
import * as tf from '@tensorflow/tfjs';
import { ValueError } from '../../errors';
import type { Box, Raster } from '../../types';
import { assertInRange, assertInteger, assertOneOf } from '../../util';
import { assertRaster, rasterToChannels } from '../io';
import { type FaceDetectorModel, faceApi, load } from './faceApi';

/** A detected face. */
export interface FaceDetection {
  /** In image pixels, (0, 0) at the centre of the top-left pixel (the project's convention). */
  box: Box;
  /** The detector's confidence in [0, 1]. */
  score: number;
}

/** Options of {@link detectFaces}. */
export interface DetectFacesOptions {
  /** Drop detections scoring below this. @default 0.5 */
  minConfidence?: number;
  /** Keep at most this many (the highest scoring). @default 100 */
  maxFaces?: number;
  /** Which detector. @default 'ssdMobilenetv1' */
  model?: FaceDetectorModel;
  /** Input size of the Tiny Face Detector (a multiple of 32; larger finds smaller faces, slower). @default 608 */
  inputSize?: number;
}

/** Checks and completes detector options (defaults applied here, once). */
export function detectOptions(fn: string, opts: DetectFacesOptions): Required<DetectFacesOptions> {
  const o = {
    minConfidence: opts.minConfidence ?? 0.5,
    maxFaces: opts.maxFaces ?? 100,
    model: opts.model ?? 'ssdMobilenetv1',
    inputSize: opts.inputSize ?? 608,
  };
  assertInRange(fn, 'opts.minConfidence', o.minConfidence, 0, 1);
  assertInteger(fn, 'opts.maxFaces', o.maxFaces, 1);
  assertOneOf(fn, 'opts.model', o.model, ['ssdMobilenetv1', 'tinyFaceDetector'] as const);
  assertInteger(fn, 'opts.inputSize', o.inputSize, 32, 4096);
  if (o.inputSize % 32 !== 0) {
    throw new ValueError(`${fn}: argument 'opts.inputSize' expected a multiple of 32, got ${o.inputSize}`);
  }
  return o;
}

/**
 * Finds faces in an image (gray, RGB or RGBA raster), best first. Loads the detector on first use (see
 * `load`). Tensors it creates are disposed before it returns.
 * @example const faces = await detect.detectFaces(io.readImage('group.jpg'), { minConfidence: 0.6 })
 */
export async function detectFaces(raster: Raster, opts: DetectFacesOptions = {}): Promise<FaceDetection[]> {
  assertRaster('detectFaces', 'raster', raster);
  const o = detectOptions('detectFaces', opts);
  await load(o.model);
  const fa = faceApi();
  const rgb = rasterToChannels(raster, 3);
  const input = tf.tensor3d(rgb.data, [rgb.height, rgb.width, 3], 'int32');
  try {
    const options =
      o.model === 'ssdMobilenetv1'
        ? new fa.SsdMobilenetv1Options({ minConfidence: o.minConfidence, maxResults: o.maxFaces })
        : new fa.TinyFaceDetectorOptions({ scoreThreshold: o.minConfidence, inputSize: o.inputSize });
    const found = await fa.detectAllFaces(
      input as unknown as Parameters<typeof fa.detectAllFaces>[0],
      options,
    );
    return found
      .map((d) => ({
        // face-api measures from the image's top-left corner; the project from the top-left pixel's centre
        box: { x: d.box.x - 0.5, y: d.box.y - 0.5, width: d.box.width, height: d.box.height },
        score: d.score,
      }))
      .filter((d) => d.score >= o.minConfidence && d.box.width > 0 && d.box.height > 0)
      .sort((a, b) => b.score - a.score)
      .slice(0, o.maxFaces);
  } finally {
    input.dispose();
  }
}

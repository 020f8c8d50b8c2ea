/**
 * Loads `@vladmandic/face-api` and its detector weights once.
 *
 * Build: `dist/face-api.node-wasm.js`. It carries no TensorFlow of its own: it `require`s
 * `@tensorflow/tfjs` and `@tensorflow/tfjs-backend-wasm`, so it runs on the project's single tfjs-core
 * (4.22.0, the version face-api 1.7.15 was built against) and on whichever backend `engine.init()` chose.
 * (`face-api.node.js` / `node-gpu.js` need `@tensorflow/tfjs-node(-gpu)`, optional here; `face-api.js` and
 * the ESM builds bundle their own tfjs copy, which would make a second engine.)
 *
 * Weights: `node_modules/@vladmandic/face-api/model/*.bin` with their manifests, shipped inside the npm
 * package; nothing is downloaded.
 *
 * State: the only module state is the cache of loaded networks below (one promise per detector model),
 * filled by the first `load()` and kept for the life of the process; `unload()` frees their weights.
 */
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { EnvironmentError } from '../../errors';

/** The face detectors face-api ships: SSD MobileNet v1 (accurate; ~1-2 s per photo on wasm) or Tiny Face Detector (~3x faster, less accurate). */
export type FaceDetectorModel = 'ssdMobilenetv1' | 'tinyFaceDetector';

/** face-api's 68-point landmark regressors (the peer of `peerLandmarks68`): the full net (~350 KB) or the tiny one (~80 KB). */
export type FaceLandmarkModel = 'faceLandmark68Net' | 'faceLandmark68TinyNet';

/** Every face-api network this module loads. */
export type FaceApiNet = FaceDetectorModel | FaceLandmarkModel;

/** The part of face-api's API this module uses (its own typings describe the whole module). */
export type FaceApi = typeof import('@vladmandic/face-api');

let api: FaceApi | null = null;
const loaded = new Map<FaceApiNet, Promise<void>>();

/** The folder holding face-api's weights inside its npm package. */
export function faceApiModelDir(): string {
  return path.join(path.dirname(require.resolve('@vladmandic/face-api/package.json')), 'model');
}

/** The face-api module (the node-wasm build), required on first use. */
export function faceApi(): FaceApi {
  if (api === null) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- a specific build file, chosen at run time
      api = require('@vladmandic/face-api/dist/face-api.node-wasm.js') as FaceApi;
    } catch (e) {
      throw new EnvironmentError(
        `detect.load: cannot load @vladmandic/face-api (node-wasm build): ${(e as Error).message}; reinstall the package (npm install)`,
      );
    }
  }
  return api;
}

/**
 * Loads a detector's (or landmark net's) weights from the package (once; later calls return the same promise).
 * Waits for the tfjs backend to be ready (call `engine.init()` first to choose it).
 * @example await detect.load()
 */
export function load(model: FaceApiNet = 'ssdMobilenetv1'): Promise<void> {
  let p = loaded.get(model);
  if (p === undefined) {
    p = (async () => {
      await tf.ready();
      const fa = faceApi();
      await fa.nets[model].loadFromDisk(faceApiModelDir());
    })();
    loaded.set(model, p);
    // a failed load is not cached: the next call retries
    p.catch(() => loaded.delete(model));
  }
  return p;
}

/** Frees the loaded networks' weights (the next `load()` reads them again). */
export function unload(): void {
  if (api === null) return;
  for (const model of loaded.keys()) {
    const net = api.nets[model];
    if (net.isLoaded) net.dispose();
  }
  loaded.clear();
}

/**
 * Saving and loading a trained pipeline: a folder with the model (`model.xlm`, model.saveModel) and the refiner and
 * cascade as JSON (`refine.json`, typed arrays as base64), both written atomically.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FormatError } from '../errors';
import { writeFileAtomic } from '../data/io';
import { loadModel, saveModel, type LoadModelOptions } from '../model/modelFile';
import type { BoxRefiner } from './boxRefiner';
import type { Cascade } from './cascade';
import type { LandmarkPipeline } from './pipeline';
import type { RidgeModel } from './ridge';

/** The JSON part's kind tag. */
export const PIPELINE_KIND = 'exemplar-landmarks/refine-pipeline';

const b64 = (a: Float32Array | Int32Array): string =>
  Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
function f32(s: string): Float32Array {
  const b = Buffer.from(s, 'base64');
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}
function i32(s: string): Int32Array {
  const b = Buffer.from(s, 'base64');
  return new Int32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}
const ridgeOut = (r: RidgeModel) => ({ ...r, weights: b64(r.weights), bias: b64(r.bias) });
const ridgeIn = (r: ReturnType<typeof ridgeOut>): RidgeModel => ({
  ...r,
  weights: f32(r.weights),
  bias: f32(r.bias),
});

/**
 * Writes `dir/model.xlm` and `dir/refine.json`.
 * @example refine.savePipeline(pipeline, 'models/300w')
 */
export function savePipeline(pipeline: LandmarkPipeline, dir: string): void {
  fs.mkdirSync(dir, { recursive: true });
  saveModel(pipeline.model, path.join(dir, 'model.xlm'));
  const { refiner, cascade } = pipeline;
  const json = {
    kind: PIPELINE_KIND,
    version: 1,
    detector: pipeline.detector ?? null,
    onePass: pipeline.onePass === true,
    refiner: refiner ? { ...refiner, ridge: ridgeOut(refiner.ridge) } : null,
    cascade: cascade
      ? {
          ...cascade,
          clusterOfClass: b64(cascade.clusterOfClass),
          global: cascade.global.map(ridgeOut),
          clusters: cascade.clusters.map((c) => (c ? c.map(ridgeOut) : null)),
        }
      : null,
  };
  writeFileAtomic(path.join(dir, 'refine.json'), JSON.stringify(json));
}

/**
 * Reads a folder written by savePipeline (model options as model.loadModel's).
 * @example const pipeline = refine.loadPipeline('models/300w', { inference: true })
 */
export function loadPipeline(dir: string, opts: LoadModelOptions = {}): LandmarkPipeline {
  const file = path.join(dir, 'refine.json');
  let json;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new FormatError(
      `loadPipeline: ${file}: expected the JSON of savePipeline, got ${(e as Error).message}`,
      { file },
    );
  }
  if (json?.kind !== PIPELINE_KIND || json.version !== 1) {
    throw new FormatError(
      `loadPipeline: ${file}: expected kind '${PIPELINE_KIND}' version 1, got ${String(json?.kind)} ${String(json?.version)}`,
      { file },
    );
  }
  const refiner: BoxRefiner | null = json.refiner
    ? { ...json.refiner, ridge: ridgeIn(json.refiner.ridge) }
    : null;
  const c = json.cascade;
  const cascade: Cascade | null = c
    ? {
        ...c,
        clusterOfClass: i32(c.clusterOfClass),
        global: c.global.map(ridgeIn),
        clusters: c.clusters.map((s: Array<ReturnType<typeof ridgeOut>> | null) =>
          s ? s.map(ridgeIn) : null,
        ),
      }
    : null;
  const model = loadModel(path.join(dir, 'model.xlm'), opts);
  return {
    model,
    refiner,
    cascade,
    ...(json.detector ? { detector: json.detector } : {}),
    ...(json.onePass === true ? { onePass: true } : {}),
  };
}

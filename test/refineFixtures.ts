/** A small trained model on the tiny 5-point dot faces, shared by the refine / cascade / pipeline tests. */
import { createModel, type ExemplarModel } from '../src/model/exemplarModel';
import { train } from '../src/model/train';
import { trainBoxRefiner } from '../src/refine/boxRefiner';
import { trainCascade } from '../src/refine/cascade';
import type { LandmarkPipeline } from '../src/refine/pipeline';
import type { Sample } from '../src/types';
import { exemplarTable, initBackend, tinySamples } from './modelFixtures';

export interface TinyRefineSetup {
  model: ExemplarModel;
  trainSet: Sample[];
  valSet: Sample[];
}

/** Trains (once per call) a 5-point model on 32 × 32 dot faces: a few seconds. */
export async function tinyRefineSetup(): Promise<TinyRefineSetup> {
  await initBackend();
  const trainSet = tinySamples(160, 11, 32);
  const valSet = tinySamples(40, 12, 32);
  const model = createModel(exemplarTable(trainSet), {
    input: { size: 24 },
    widths: [8, 16],
    featureDim: 32,
    seed: 1,
  });
  await train(model, trainSet, {
    progress: 'none',
    epochs: 6,
    batchSize: 16,
    tau: 0.08,
    learningRate: 0.01,
    seed: 1,
  });
  return { model, trainSet, valSet };
}

/** Mean point-to-point distance in pixels. */
export function meanPointError(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let j = 0; j < a.length; j += 2) s += Math.hypot(a[j] - b[j], a[j + 1] - b[j + 1]);
  return s / (a.length / 2);
}

/** The tiny setup's pipeline: a box refiner and a 2-stage single-cluster cascade on its training faces. */
export function tinyPipeline(setup: TinyRefineSetup): LandmarkPipeline {
  const { model, trainSet } = setup;
  return {
    model,
    refiner: trainBoxRefiner(model, trainSet, { perFace: 6, seed: 3 }),
    cascade: trainCascade(model, trainSet, {
      stages: 2,
      clusters: 1,
      frameSize: 32,
      hog: { cellSize: 3 },
      starts: 3,
      startJitter: { centre: 0.08, scale: 0.08 },
    }),
  };
}

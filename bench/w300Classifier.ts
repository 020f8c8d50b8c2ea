/**
 * The classifier the 300-W benchmarks (peer, neighbors) score: K = M exemplar classes, multi-label loss, the 32×32
 * gray net (widths 16-32-64, D = 128), trained on the photo-disjoint training split of ../shared/data/300w-train, or
 * loaded from XL_PEER_MODEL when that file exists (saved there after training when it is set).
 *
 * Environment: XL_PEER_EPOCHS (default 12), XL_PEER_SEED (split and training seed, default 1), XL_PEER_MODEL (cache).
 */
import * as fs from 'node:fs';
import { type ExperimentData, prepareData, trainClassifier } from '../src/experiments';
import { loadModel, saveModel, type ExemplarModel, type ModelOptions } from '../src/model';

export const W300_NET: ModelOptions = { input: { size: 32 }, widths: [16, 32, 64], featureDim: 128 };

/** The data (same split and simulated detections every run) and the model; dispose the model when done. */
export async function w300Classifier(
  quick: boolean,
): Promise<{ data: ExperimentData; model: ExemplarModel; how: string; seed: number }> {
  const seed = Number(process.env.XL_PEER_SEED ?? '1');
  const data = prepareData({ source: '300w', n: quick ? 120 : 5000, nValidation: quick ? 24 : 1000, seed });
  const cache = process.env.XL_PEER_MODEL;
  if (!quick && cache && fs.existsSync(cache)) {
    return { data, model: loadModel(cache), how: `loaded ${cache}`, seed };
  }
  const t0 = Date.now();
  const epochs = quick ? 1 : Number(process.env.XL_PEER_EPOCHS ?? '12');
  const run = await trainClassifier(data, {
    K: 'M',
    loss: 'multiLabel',
    model: { ...W300_NET, seed },
    train: { epochs, learningRate: 0.005, tau: 0.05, progress: 'none' },
  });
  const s = (Date.now() - t0) / 1000;
  if (cache && !quick) saveModel(run.model, cache);
  return {
    data,
    model: run.model,
    how: `trained ${epochs} epochs on ${data.train.length} faces in ${s.toFixed(0)} s`,
    seed,
  };
}

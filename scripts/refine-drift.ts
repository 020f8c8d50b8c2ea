/**
 * Landmark error as the box drifts, with and without the refiner: loads the pipeline scripts/refine-300w.ts saved
 * (out/refine-300w/pipeline) and scores the 300-W validation photos in boxes jittered around the landmarks' box by
 * growing amounts (uniform centre shift up to c, scale factor in [1 − s, 1 + s], seeded), for the classifier alone,
 * the refined box, and refined + the cascade. Prints a markdown table.
 *   npx tsx scripts/refine-drift.ts
 */
import * as path from 'node:path';
import * as xl from '../src/index';
import { SPLIT } from './refine-detections';

async function main(): Promise<void> {
  await xl.engine.init();
  const pipeline = xl.refine.loadPipeline(path.join('out', 'refine-300w', 'pipeline'), { inference: true });
  const root = process.env.XL_W300 ?? xl.experiments.DEFAULT_W300_PATH;
  const val = [...xl.datasets.w300Train(root, { ...SPLIT, split: 'validation' })];
  const levels: Array<[number, number]> = [
    [0, 0],
    [0.05, 0.075],
    [0.1, 0.15],
    [0.15, 0.225],
    [0.2, 0.3],
  ];
  const boxSets: Record<string, xl.Box[]> = {};
  for (const [c, s] of levels) {
    const rng = new xl.Rng(11);
    boxSets[`centre ±${c * 100} %, scale ±${s * 100} %`] = val.map((v) =>
      xl.refine.boxJitter(v.box, rng, { centre: c, scale: s }),
    );
  }
  const evals = await xl.refine.evaluatePipeline(pipeline, val, boxSets, { timedFaces: 0 });
  const stage = Math.min(3, pipeline.cascade?.global.length ?? 0);
  console.log(`| drift | classifier | refined | refined + cascade (stage ${stage}) |`);
  console.log('| --- | --- | --- | --- |');
  for (const e of evals) {
    const io = (m: string) =>
      e.result.rows.find((r) => r.method === m && r.normalization === 'inter-ocular' && r.points === 'all');
    const cell = (m: string) => `${io(m)?.mean.toFixed(4)} (fail ${io(m)?.failureRate.toFixed(3)})`;
    console.log(`| ${e.boxes} | ${cell('classifier')} | ${cell('refined')} | ${cell(`cascade ${stage}`)} |`);
  }
  pipeline.model.dispose();
}

if (require.main === module) void main();

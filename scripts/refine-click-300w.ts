/**
 * One simulated click per face on the 300-W validation photos (the split of scripts/refine-300w.ts) in face-api Tiny
 * boxes, with the pipeline that script saved: no click, the nose tip, the suggested landmark (reasoning.nextClick) and
 * the oracle's best (reasoning.oracleBestClick), each clicked at its true position, conditioned and snapped, with and
 * without the cascade (clicked point pinned after every stage), scored by evaluate.evaluateProtocol (mean error /
 * outer-eye distance over the 68 points, failure rate > 0.08).
 *
 *   npx tsx scripts/refine-detections.ts tinyFaceDetector validation   # cached boxes (once)
 *   npx tsx scripts/refine-click-300w.ts
 *
 * Env: XL_REFINE_PIPELINE (default out/refine-300w/pipeline), XL_REFINE_RECLASSIFY (0: the one-pass path, 1: two passes; default: the pipeline's own), XL_W300, XL_QUICK=1 (30 faces).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as xl from '../src/index';
import { cacheFile, SPLIT } from './refine-detections';

async function main(): Promise<void> {
  const t0 = performance.now();
  await xl.engine.init();
  const root = process.env.XL_W300 ?? xl.experiments.DEFAULT_W300_PATH;
  const dir = process.env.XL_REFINE_PIPELINE ?? path.join('out', 'refine-300w', 'pipeline');
  const pipeline = xl.refine.loadPipeline(dir);
  let valDs = xl.datasets.w300Train(root, { ...SPLIT, split: 'validation' });
  if (xl.isQuick()) valDs = xl.datasets.subset(valDs, { n: 30, seed: 1 });
  const val: xl.Sample[] = [];
  for (const s of valDs) val.push(s);
  const cached: Record<string, xl.Box | null> = JSON.parse(
    fs.readFileSync(cacheFile('tinyFaceDetector', 'validation'), 'utf8'),
  );
  const faces = val.filter((s) => cached[s.id]);
  const items = faces.map((s) => ({ image: s.image, box: cached[s.id] as xl.Box }));
  // the pipeline's own path (one pass when it was trained for it), unless XL_REFINE_RECLASSIFY says
  const env = process.env.XL_REFINE_RECLASSIFY;
  const reclassify = env === undefined ? undefined : env !== '0';
  const onePass = reclassify === undefined ? pipeline.onePass === true : !reclassify;
  const answered = xl.refine.landmarksInBoxes(pipeline, items, { reclassify });
  const dim = 2 * pipeline.model.config.nPoints;
  const pack = (shapes: Float32Array[]): Float32Array => {
    const a = new Float32Array(shapes.length * dim);
    shapes.forEach((s, r) => a.set(s, r * dim));
    return a;
  };
  const methods: Record<string, Float32Array> = {
    'no click': pack(answered.map((f) => f.classifierShape)),
    'no click + cascade': pack(answered.map((f) => f.landmarks)),
  };
  const chosen: Record<string, Record<string, number>> = {};
  for (const click of ['noseTip', 'suggested', 'oracle'] as const) {
    const t = performance.now();
    const runs = answered.map((f, i) =>
      xl.refine.clickedLandmarks(pipeline, items[i].image, f, faces[i].landmarks, click),
    );
    methods[click] = pack(runs.map((r) => r.snapped));
    methods[`${click} + cascade`] = pack(runs.map((r) => r.landmarks));
    chosen[click] = {};
    for (const r of runs) chosen[click][r.name] = (chosen[click][r.name] ?? 0) + 1;
    console.log(`${click}: ${((performance.now() - t) / runs.length).toFixed(1)} ms per face`);
  }
  const result = xl.evaluate.evaluateProtocol(pack(faces.map((s) => s.landmarks)), dim / 2, methods, {
    hardFraction: 0,
  });
  const lines = [
    `${faces.length} of ${val.length} validation faces with a Tiny box; pipeline ${dir}${onePass ? ' (one pass)' : ''}`,
    '| click | mean / outer-eye | failure (> 0.08) | AUC@0.08 |',
    '| --- | --- | --- | --- |',
  ];
  for (const m of result.methods) {
    const r = result.rows.find(
      (x) => x.method === m && x.normalization === 'inter-ocular' && x.points === 'all',
    );
    if (r) lines.push(`| ${m} | ${r.mean.toFixed(4)} | ${r.failureRate.toFixed(3)} | ${r.auc.toFixed(3)} |`);
  }
  const top = (c: Record<string, number>): string =>
    Object.entries(c)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 5)
      .map(([n, k]) => `${n} ${k}`)
      .join(', ');
  lines.push('', `suggested landmarks (most frequent): ${top(chosen.suggested)}`);
  lines.push(`oracle landmarks (most frequent): ${top(chosen.oracle)}`);
  lines.push(`wall time ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  console.log(lines.join('\n'));
  pipeline.model.dispose();
}

if (require.main === module) void main();

/**
 * Draws the README's picture, docs/images/posterior.png: one validation face, the shapes of the classes its
 * posterior ranks highest (each labelled with its probability) and the expected shape Σ p_k mu_k, from a small
 * exemplar classifier trained here on synthetic faces (K = M, multi-label loss; about a minute on two cores).
 *
 * Usage: `npx tsx scripts/readme-figure.ts [out.png]` (default docs/images/posterior.png). Deterministic for the
 * seeds below on one backend; it uses only the public API.
 */
import * as path from 'node:path';
import * as xl from '../src';

const TOP = 4;

async function main(): Promise<void> {
  const out = path.resolve(process.argv[2] ?? path.join(__dirname, '..', 'docs', 'images', 'posterior.png'));
  await xl.engine.init();
  const data = xl.experiments.prepareData({
    source: 'synth-easy',
    n: 600,
    nValidation: 40,
    seed: 1,
    size: 128,
  });
  const run = await xl.experiments.trainClassifier(data, {
    K: 'M',
    loss: 'multiLabel',
    model: { input: { size: 32 }, widths: [16, 32, 64], featureDim: 128, seed: 1 },
    train: { epochs: 5, batchSize: 32, learningRate: 0.005, tau: 0.05, progress: 'none' },
  });
  try {
    const { table } = run;
    const dim = 2 * table.nPoints;
    // The face whose posterior is least peaked among the first validation faces: the picture is about spread.
    let face = data.validation[0];
    let pred = xl.model.predict(run.model, face.image, xl.model.referenceBox(face), { topK: TOP });
    for (const s of data.validation.slice(1, 20)) {
      const p = xl.model.predict(run.model, s.image, xl.model.referenceBox(s), { topK: TOP });
      if (p.topK[0].prob < pred.topK[0].prob) [face, pred] = [s, p];
    }
    const box = xl.model.referenceBox(face);
    const small = { radius: 1.5, connections: true, lineWidth: 1 };
    const cells: xl.Raster[] = [
      xl.viz.drawLandmarks(face.image, face.landmarks, { ...small, color: '#00c000', box }),
    ];
    const labels = ['face, truth (green)'];
    for (const t of pred.topK) {
      const centre = table.centers.subarray(t.index * dim, (t.index + 1) * dim);
      const shape = xl.landmarks.shapeFromBox(centre, box);
      cells.push(xl.viz.drawLandmarks(face.image, shape, { ...small, color: '#ffb000' }));
      labels.push(`class ${t.index}: p = ${t.prob.toFixed(2)}`);
    }
    const both = xl.viz.drawLandmarks(face.image, face.landmarks, { ...small, color: '#00c000' });
    cells.push(xl.viz.drawLandmarks(both, pred.expectedShape, { ...small, color: '#ff3030' }));
    labels.push('expected shape (red)');
    xl.io.writeImage(out, xl.viz.contactSheet(cells, { columns: cells.length, labels, cellSize: 160 }));
    console.log(`wrote ${out} (K = ${table.K}, top-1 p = ${pred.topK[0].prob.toFixed(3)}, face ${face.id})`);
  } finally {
    run.model.dispose();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});

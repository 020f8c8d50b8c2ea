/**
 * The paper's Table 1 (issue 11 part 3) on the 300-W validation split: a face's nearest exemplar by cosine similarity
 * on the classifier's weight rows w_k and on the training faces' pooled features f, against the linear classifier
 * itself (its top class, and the expected shape), with the classifier of bench/w300Classifier.ts. Also the time of
 * the embeddings, of one top-exemplar query and of a 2D PCA of each embedding.
 */
import * as fs from 'node:fs';
import * as engine from '../src/engine';
import { DEFAULT_W300_PATH } from '../src/experiments';
import { exemplarEmbeddings, neighborTable, pca, topExemplarsOf } from '../src/neighbors';
import type { Bench } from './types';
import { w300Classifier } from './w300Classifier';

const PAPER = ['0.0206', '0.0222', '0.0205', '—'];

const bench: Bench = async ({ quick }) => {
  if (!fs.existsSync(DEFAULT_W300_PATH)) {
    return [{ title: 'neighbors: skipped', columns: ['reason'], rows: [[`${DEFAULT_W300_PATH} absent`]] }];
  }
  await engine.init();
  const { data, model, how } = await w300Classifier(quick);
  let t = performance.now();
  const emb = exemplarEmbeddings(model, data.train);
  const embMs = performance.now() - t;
  const t1 = neighborTable(model, emb, data.validation, { k: 1 });
  const t5 = neighborTable(model, emb, data.validation, { k: 5 });
  const f = new Float32Array(emb.D).fill(0);
  f.set(emb.features.subarray(0, emb.D));
  t = performance.now();
  for (let i = 0; i < 20; i++) topExemplarsOf(f, emb, { by: 'weights', k: 5 });
  const queryMs = (performance.now() - t) / 20;
  t = performance.now();
  const pw = pca(emb.weights, emb.D);
  const pf = pca(emb.features, emb.D);
  const pcaMs = (performance.now() - t) / 2;
  model.dispose();
  return [
    {
      title: 'neighbors: Table 1 on the 300-W validation split (error / box diagonal)',
      columns: [
        'method',
        'mean (k = 1)',
        'median (k = 1)',
        'failure > 0.08',
        'mean of top 5',
        'paper (300-VW)',
      ],
      rows: t1.rows.map((r, i) => [r.method, r.error, r.median, r.failureRate, t5.rows[i].error, PAPER[i]]),
      notes: [
        `${data.validation.length} validation faces (their simulated detection boxes); ${how}; K = ${emb.classIds.length}, D = ${emb.D}.`,
        `The nearest weight row is the classifier's top class for ${(100 * t1.weightsAgreeWithClassifier).toFixed(1)} % of the faces.`,
        `Embeddings of ${data.train.length} training faces: ${(embMs / 1000).toFixed(1)} s; one top-5 query over the K weight rows: ${queryMs.toFixed(2)} ms; PCA (2 components, D × D covariance): ${pcaMs.toFixed(0)} ms per embedding (explained: w_k ${(100 * (pw.explained[0] + pw.explained[1])).toFixed(0)} %, f ${(100 * (pf.explained[0] + pf.explained[1])).toFixed(0)} %).`,
      ],
    },
  ];
};

export default bench;

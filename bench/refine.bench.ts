/**
 * The refine stage on real faces: runs scripts/refine-300w.ts (train on the 300-W crops, score every stage per box
 * source beside face-api's faceLandmark68Net, time each path) and reports its rows (error / outer-eye distance, all 68
 * points). Needs ../shared/data (skipped with a note otherwise). Quick mode: 300 faces, 3 epochs, 3 stages.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as xl from '../src/index';
import { main } from '../scripts/refine-300w';
import type { Bench, BenchTable } from './types';

interface SavedEvaluation {
  boxes: string;
  faces: number;
  total: number;
  rows: xl.evaluate.ProtocolRow[];
  msPerFace: Record<string, number>;
}

const bench: Bench = async ({ quick }) => {
  const root = process.env.XL_W300 ?? xl.experiments.DEFAULT_W300_PATH;
  const title = 'refine: 300-W validation photos, stage by stage per box source (scripts/refine-300w.ts)';
  const columns = ['boxes', 'faces', 'method', 'mean / outer-eye', 'failure > 0.08', 'AUC@0.08'];
  if (!fs.existsSync(root)) return [{ title, columns, rows: [], notes: [`skipped: ${root} is absent`] }];
  if (quick) process.env.XL_QUICK = '1';
  await main();
  const r = JSON.parse(fs.readFileSync(path.join('out', 'refine-300w', 'results.json'), 'utf8')) as {
    seconds: Record<string, number>;
    evaluations: SavedEvaluation[];
  };
  const rows: BenchTable['rows'] = [];
  const times: BenchTable['rows'] = [];
  for (const e of r.evaluations) {
    for (const row of e.rows) {
      if (row.normalization !== 'inter-ocular' || row.points !== 'all' || row.subset !== 'all') continue;
      rows.push([e.boxes, `${e.faces}/${e.total}`, row.method, row.mean, row.failureRate, row.auc]);
    }
    const m = e.msPerFace;
    times.push([
      e.boxes,
      m.classifier,
      m.pipeline,
      m.pipeline / m.classifier,
      m['pipeline one pass'],
      m.faceLandmark68Net ?? NaN,
    ]);
  }
  const s = r.seconds;
  return [
    {
      title,
      columns,
      rows,
      notes: [
        `Wall time: classifier ${s.classifier.toFixed(0)} s, refiner ${s.refiner.toFixed(0)} s, cascade ${s.cascade.toFixed(0)} s, whole run ${s.total.toFixed(0)} s.`,
        'Targets (issue 11, Tiny boxes, refined): mean below faceLandmark68Net and a lower failure rate.',
      ],
    },
    {
      title: 'refine: ms per face, one face at a time',
      columns: ['boxes', 'classifier', 'pipeline', 'ratio (target ≤ 2)', 'one pass', 'faceLandmark68Net'],
      rows: times,
    },
  ];
};

export default bench;

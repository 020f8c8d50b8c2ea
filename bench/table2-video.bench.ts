/**
 * Table 2 on synthetic video, stage by stage (scripts/table2-video.ts): classification, + regressors, + temporal
 * smoothing (HMM forward-backward / Viterbi then the cascade, 3-frame low-pass), error / box diagonal (300-VW) on all,
 * visible and occluded test frames. Quick mode: 400 training faces, 3 epochs, 3 stages, 2 test videos of 100 frames.
 */
import { gateText, table2Video, table2VideoSettings } from '../scripts/table2-video';
import type { Bench } from './types';

const bench: Bench = async ({ quick }) => {
  const r = await table2Video(table2VideoSettings(quick));
  const s = r.settings;
  const rows = r.table.rows
    .filter((row) => row.subset !== 'hard')
    .map((row) => [
      row.stage,
      row.method,
      row.subset,
      String(row.frames), // a count, not a measurement (run.ts would print 46 as 46.0)
      row.mean,
      row.median,
      row.auc,
      row.failureRate,
    ]);
  const scan = r.scan.rows.map(
    (row) => `T = ${row.temperature}: ${(row['HMM forward-backward + regressors'] ?? NaN).toFixed(4)}`,
  );
  return [
    {
      title: 'Table 2 on synthetic video: error / box diagonal per stage (experiments.videoStageTable)',
      columns: ['stage', 'method', 'subset', 'frames', 'mean', 'median', 'AUC@0.08', 'failure > 0.08'],
      rows,
      notes: [
        `Trained on ${s.trainFaces} synthetic faces (PIPELINE_CLASSIFIER, ${s.epochs} epochs; refiner; cascade ${s.stages} stages, ${s.clusters} clusters); ${s.testVideos} test videos × ${s.frames} frames, ${r.occludedFrames} occluded (> half the landmarks hidden).`,
        `Mean training shape in each frame's detection box: ${r.meanShapeError.toFixed(4)}. Emission temperature ${r.scan.temperature}, gate ${r.scan.gate} and move limit ${r.scan.maxMove} (gated row, gate, move limit: error, frames cascaded: ${gateText(r.scan)}), chosen on ${s.validationVideos} validation videos (forward-backward + regressors: ${scan.join(', ')}).`,
        `Seconds: render ${r.seconds.render.toFixed(0)}, classifier ${r.seconds.train.classifier.toFixed(0)}, refiner ${r.seconds.train.refiner.toFixed(0)}, cascade ${r.seconds.train.cascade.toFixed(0)}, scan ${r.seconds.scan.toFixed(0)}, test table ${r.seconds.table.toFixed(0)} (pipeline ${r.table.seconds.pipeline.toFixed(1)}, HMM ${r.table.seconds.hmm.toFixed(1)}, cascades from smoothed starts ${r.table.seconds.regressors.toFixed(1)}), total ${r.seconds.total.toFixed(0)}.`,
      ],
    },
  ];
};

export default bench;

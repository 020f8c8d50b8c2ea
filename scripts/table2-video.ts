/**
 * The paper's Table 2 on synthetic video, stage by stage: a pipeline trained on synthetic stills (the 300-W runs'
 * architecture: `refine.PIPELINE_CLASSIFIER`, box refiner, per-cluster cascade `refine.PIPELINE_CASCADE`), then
 * `experiments.videoStageTable` on synthetic videos (smooth pose / expression / framing, a simulated jittered detection per frame, an occluder passing
 * over the face and hiding it fully for some frames): classification, + regressors, + temporal smoothing (HMM
 * forward-backward / Viterbi over the classes then the cascade, 3-frame low-pass). The HMM's emission temperature is
 * and the gate of the gated row (the cascade only where a frame's posterior agrees with its smoothed one and the cascade
 * stays near the smoothed shape) are chosen
 * on validation videos (seeds 200+) by `experiments.videoTemperatureScan`; test videos (seeds 100+) are only measured.
 *
 *   npx tsx scripts/table2-video.ts            # prints the table, writes out/table2-video/results.json
 *   XL_QUICK=1 npx tsx scripts/table2-video.ts # small sizes (the numbers mean little)
 *
 * bench/table2-video.bench.ts runs the same.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as xl from '../src/index';

/** Sizes of one run. */
export interface Table2VideoSettings {
  trainFaces: number;
  epochs: number;
  stages: number;
  clusters: number;
  validationVideos: number;
  testVideos: number;
  frames: number;
  temperatures: number[];
}

/** The sizes of a full or a quick run. */
export function table2VideoSettings(quick: boolean): Table2VideoSettings {
  return quick
    ? {
        trainFaces: 400,
        epochs: 3,
        stages: 3,
        clusters: 2,
        validationVideos: 1,
        testVideos: 2,
        frames: 100,
        temperatures: [1, 8],
      }
    : {
        trainFaces: 3000,
        epochs: 10,
        stages: xl.refine.PIPELINE_CASCADE.stages ?? 5,
        clusters: xl.refine.PIPELINE_CASCADE.clusters ?? 4,
        validationVideos: 3,
        testVideos: 6,
        frames: 150,
        temperatures: [1, 4, 16, 64],
      };
}

/** What one run gives. */
export interface Table2VideoResult {
  settings: Table2VideoSettings;
  /** The test table (plain data: rows, per-frame errors, settings). */
  table: xl.experiments.VideoStageTable;
  scan: xl.experiments.VideoTemperatureScan;
  /** The mean training shape in each test frame's detection box: error / box diagonal (what any method must beat). */
  meanShapeError: number;
  /** Occluded test frames (more than half the landmarks hidden) and all. */
  occludedFrames: number;
  seconds: { render: number; train: Record<string, number>; scan: number; table: number; total: number };
}

/** Renders the videos of `seeds` (frames at 64 px, preset 'default', its passing occluder). */
function videos(seeds: number[], frames: number): xl.Sample[][] {
  return seeds.map((seed) => [...xl.synth.video({ frames, seed, size: 64, preset: 'default' })]);
}

/**
 * Trains the synthetic pipeline, picks the temperature on validation videos and scores the test videos.
 * @example const r = await table2Video(table2VideoSettings(true)); console.table(r.table.rows)
 */
export async function table2Video(settings: Table2VideoSettings): Promise<Table2VideoResult> {
  const clock = (t: number): number => (performance.now() - t) / 1000;
  const t0 = performance.now();
  await xl.engine.init();
  const s = settings;
  let t = performance.now();
  const train = [...xl.synth.faces({ n: s.trainFaces, seed: 1, size: 64, preset: 'default' })];
  const validation = videos(
    Array.from({ length: s.validationVideos }, (_, i) => 200 + i),
    s.frames,
  );
  const test = videos(
    Array.from({ length: s.testVideos }, (_, i) => 100 + i),
    s.frames,
  );
  const render = clock(t);
  const trained = await xl.refine.trainLandmarkPipeline({
    train,
    classifier: { ...xl.refine.PIPELINE_CLASSIFIER, epochs: s.epochs },
    refiner: { seed: 1 },
    cascade: { ...xl.refine.PIPELINE_CASCADE, stages: s.stages, clusters: s.clusters, minExamples: 200 },
  });
  try {
    t = performance.now();
    const scan = xl.experiments.videoTemperatureScan(trained.pipeline, validation, {
      temperatures: s.temperatures,
    });
    const scanSeconds = clock(t);
    t = performance.now();
    const table = xl.experiments.videoStageTable(trained.pipeline, test, {
      hmm: { temperature: scan.temperature, gate: scan.gate, maxMove: scan.maxMove },
    });
    const tableSeconds = clock(t);
    const frames = test.flat();
    const meanShapeError = xl.experiments.meanShapeBaseline(
      xl.experiments.packReferenceShapes(train),
      frames,
    ).mean;
    return {
      settings: s,
      table,
      scan,
      meanShapeError,
      occludedFrames: (table.occlusion ?? []).filter((o) => o === 'occluded').length,
      seconds: {
        render,
        train: trained.seconds,
        scan: scanSeconds,
        table: tableSeconds,
        total: clock(t0),
      },
    };
  } finally {
    trained.pipeline.model.dispose();
  }
}

/** The table as Markdown rows: every method on all, visible and occluded frames. */
export function table2Markdown(r: Table2VideoResult): string {
  const lines = [
    '| stage | method | subset | frames | mean / box diagonal | median | AUC@0.08 | failure > 0.08 |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const row of r.table.rows) {
    lines.push(
      `| ${row.stage} | ${row.method} | ${row.subset} | ${row.frames} | ${row.mean.toFixed(4)} | ${row.median.toFixed(4)} | ${row.auc.toFixed(3)} | ${row.failureRate.toFixed(3)} |`,
    );
  }
  return lines.join('\n');
}

/** The gated row's scan: every move limit without a gate, every gate without a move limit, and the chosen pair. */
export function gateText(scan: xl.experiments.VideoTemperatureScan): string {
  const shown = scan.gateRows.filter(
    (g) => g.gate === 0 || g.maxMove === Infinity || (g.gate === scan.gate && g.maxMove === scan.maxMove),
  );
  return shown
    .map((g) => `${g.gate}, ${g.maxMove}: ${g.error.toFixed(4)} (${(100 * g.cascaded).toFixed(0)} %)`)
    .join('; ');
}

async function main(): Promise<void> {
  const r = await table2Video(table2VideoSettings(xl.isQuick()));
  const s = r.settings;
  console.log(
    `Table 2 on synthetic video: trained on ${s.trainFaces} synthetic faces (${s.epochs} epochs, ${s.stages} cascade stages, ${s.clusters} clusters); ` +
      `${s.testVideos} test videos × ${s.frames} frames (${r.occludedFrames} occluded), temperature ${r.scan.temperature}, gate ${r.scan.gate} and move limit ${r.scan.maxMove} chosen on ${s.validationVideos} validation videos`,
  );
  console.log(table2Markdown(r));
  console.log(`\nmean shape in the detection box: ${r.meanShapeError.toFixed(4)}`);
  console.log(
    `gated row on the validation videos (gate, move limit: error, frames cascaded): ${gateText(r.scan)}`,
  );
  console.log('temperature scan (validation, mean / box diagonal):');
  console.table(
    r.scan.rows.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, +v.toFixed(4)]))),
  );
  console.log(
    `seconds: ${JSON.stringify(r.seconds, (_, v: unknown) => (typeof v === 'number' ? +v.toFixed(1) : v))}`,
  );
  const file = path.join('out', 'table2-video', 'results.json');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  xl.io.writeFileAtomic(
    file,
    JSON.stringify(
      {
        settings: s,
        rows: r.table.rows,
        scan: r.scan,
        meanShapeError: r.meanShapeError,
        seconds: r.seconds,
        hmm: r.table.hmm,
      },
      null,
      1,
    ),
  );
  console.log(`wrote ${file}`);
}

if (require.main === module) void main();

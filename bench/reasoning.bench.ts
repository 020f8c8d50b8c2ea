/**
 * reasoning: the issue-10 targets at K = 140,000 (quick mode: K = 5,000), dense posterior against its sparse form,
 * side by side in one run: one landmark's 64×64 heatmap (≤ 20 ms), all 68 per-point ellipses (≤ 20 ms), conditioning
 * on one click (≤ 10 ms), best-next-click ranking over 68 landmarks (≤ 200 ms); with what the sparse posterior's ε
 * costs in accuracy against the dense computation next to each timing.
 *
 * The table is `experiments.posedClassTable` (the 3D template with identity jitter at random poses, yaw ±90°). The
 * posteriors imitate a trained classifier's: p_k ∝ exp(−d_k² / 2τ²) over the RMS distance d_k of each class to a face's
 * shape (τ = 0.03 box units, 'peaked') or to either of two mirrored profile shapes (τ = 0.05, 'ambiguous'), plus a
 * softmax-like floor of 1e-9 so no class is exactly 0 (the dense form then really has K entries).
 */
import { posedClassTable } from '../src/experiments/posedClassTable';
import {
  landmarkEllipses,
  landmarkResolve,
  nextClick,
  posteriorCondition,
  posteriorHeatmap,
  posteriorTop,
  posteriorCompact,
  type PosteriorLike,
  type SparsePosterior,
} from '../src/reasoning';
import type { ClassTable } from '../src/classes/types';
import { ibug68 } from '../src/landmarks/scheme';
import type { Bench, BenchTable } from './types';

const BOX = { x: 100, y: 80, width: 200, height: 220 };

function posteriorAround(table: ClassTable, targets: number[], tau: number): Float32Array {
  const { K, centers } = table;
  const D = 2 * table.nPoints;
  const p = new Float64Array(K);
  let s = 0;
  for (let k = 0; k < K; k++) {
    let best = Infinity;
    for (const t of targets) {
      let d2 = 0;
      for (let d = 0; d < D; d++) d2 += (centers[k * D + d] - centers[t * D + d]) ** 2;
      best = Math.min(best, d2 / table.nPoints);
    }
    p[k] = Math.exp(-best / (2 * tau * tau)) + 1e-9;
    s += p[k];
  }
  return Float32Array.from(p, (v) => v / s);
}

function median(a: number[]): number {
  const s = [...a].sort((x, y) => x - y);
  return s[s.length >> 1];
}

function time<T>(repeats: number, f: () => T): { ms: number; out: T } {
  let out = f(); // warm-up
  const ts: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const t0 = process.hrtime.bigint();
    out = f();
    ts.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return { ms: median(ts), out };
}

function densify(p: SparsePosterior): Float64Array {
  const out = new Float64Array(p.K);
  p.indices.forEach((k, i) => (out[k] = p.probs[i]));
  return out;
}

function tv(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i] - b[i]);
  return s / 2;
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

const bench: Bench = async ({ quick }) => {
  const K = quick ? 5000 : 140000;
  const t0 = Date.now();
  const table = posedClassTable(K, { seed: 1 });
  const tableSeconds = (Date.now() - t0) / 1000;
  // a frontal-ish face and a left/right profile ambiguity
  let frontal = 0;
  let left = 0;
  let right = 0;
  for (let k = 0; k < K; k++) {
    const yaw = table.pose[3 * k];
    if (Math.abs(yaw) < Math.abs(table.pose[3 * frontal])) frontal = k;
    if (Math.abs(yaw - 75) < Math.abs(table.pose[3 * right] - 75)) right = k;
    if (Math.abs(yaw + 75) < Math.abs(table.pose[3 * left] + 75)) left = k;
  }
  const cases: Array<{ name: string; p: Float32Array; target: number }> = [
    { name: 'peaked', p: posteriorAround(table, [frontal], 0.03), target: frontal },
    { name: 'ambiguous', p: posteriorAround(table, [left, right], 0.05), target: right },
  ];
  const rows: Array<Array<string | number>> = [];
  const reps = quick ? 3 : 7;
  const D = 2 * table.nPoints;
  for (const c of cases) {
    const topT = time(reps, () => posteriorTop(c.p, { mass: 0.999 }));
    const sp = topT.out;
    const forms: Array<[string, PosteriorLike]> = [
      ['dense', c.p],
      [`sparse 0.999 (${sp.indices.length} classes)`, sp],
    ];
    // the click: the true nose tip of the target class (pixels)
    const jn = landmarkResolve('bench', 'noseTip', ibug68);
    const click = {
      landmark: 'noseTip',
      x: BOX.x + table.centers[c.target * D + 2 * jn] * BOX.width + 2,
      y: BOX.y + table.centers[c.target * D + 2 * jn + 1] * BOX.height - 1,
      sigma: 3,
    };
    const results = forms.map(([form, p]) => {
      const heat = time(reps, () =>
        posteriorHeatmap(p, table, BOX, { landmark: 'noseTip', cols: 64, rows: 64 }),
      );
      const ell = time(reps, () => landmarkEllipses(p, table, BOX));
      const cond = time(reps, () => posteriorCondition(p, table, BOX, click));
      const nextReps = form === 'dense' ? 1 : reps;
      const next = time(nextReps, () => nextClick(p, table, BOX, { samples: 16, seed: 0 }));
      return { form, heat, ell, cond, next };
    });
    const [d, s] = results;
    const e = sp.epsilon;
    rows.push(
      [c.name, 'posteriorTop (0.999)', '-', topT.ms, `ε = ${e.toExponential(2)}`],
      [
        c.name,
        'heatmap 64×64 (noseTip)',
        d.heat.ms,
        s.heat.ms,
        `TV ${tv(d.heat.out.values, s.heat.out.values).toExponential(2)}`,
      ],
      [
        c.name,
        '68 ellipses',
        d.ell.ms,
        s.ell.ms,
        `mean ≤ ${maxDiff(d.ell.out.mean, s.ell.out.mean).toExponential(2)} px, spread ≤ ${maxDiff(d.ell.out.spread, s.ell.out.spread).toExponential(2)} px`,
      ],
      [
        c.name,
        'condition on 1 click',
        d.cond.ms,
        s.cond.ms,
        `TV ${tv(densify(d.cond.out.posterior), densify(s.cond.out.posterior)).toExponential(2)}, snapped ≤ ${maxDiff(d.cond.out.snapped, s.cond.out.snapped).toExponential(2)} px`,
      ],
      [
        c.name,
        'next click (68 landmarks, 16 samples, top 500 classes)',
        d.next.ms,
        s.next.ms,
        `top-1 ${d.next.out.ranking[0].name} vs ${s.next.out.ranking[0].name}; errors ≤ ${maxDiff(
          sortedErrors(d.next.out.ranking),
          sortedErrors(s.next.out.ranking),
        ).toFixed(3)} px of ${d.next.out.currentError.toFixed(2)}`,
      ],
    );
    const compact = time(reps, () => posteriorCompact(sp, table));
    rows.push([
      c.name,
      'posteriorCompact (what a widget carries)',
      '-',
      compact.ms,
      `${((compact.out.table.centers.byteLength + compact.out.posterior.byteLength) / 1024).toFixed(0)} KiB vs ${(table.centers.byteLength / 2 ** 20).toFixed(0)} MiB of centres`,
    ]);
  }
  const table1: BenchTable = {
    title: `reasoning: K = ${K.toLocaleString('en-US')} (posedClassTable, built in ${tableSeconds.toFixed(1)} s), face box 200×220 px, median ms`,
    columns: ['posterior', 'operation', 'dense ms', 'sparse ms', 'sparse vs dense (the cost of ε)'],
    rows,
    notes: [
      'Targets (issue 10, at K = 140,000): heatmap ≤ 20 ms, 68 ellipses ≤ 20 ms, one click ≤ 10 ms, next click ≤ 200 ms.',
      'Dense next click runs once (no repeats). TV: total variation between the dense and sparse results (heatmap cells, conditional posteriors).',
    ],
  };
  return [table1];
};

function sortedErrors(r: Array<{ landmark: number; error: number }>): Float64Array {
  const out = new Float64Array(r.length);
  for (const x of r) out[x.landmark] = x.error;
  return out;
}

export default bench;

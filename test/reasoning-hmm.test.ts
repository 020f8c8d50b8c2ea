import * as assert from 'node:assert/strict';
import * as vm from 'node:vm';
import type { ClassGraph } from '../src/classes';
import { ShapeError, ValueError } from '../src/errors';
import {
  type HmmModel,
  type PosteriorLike,
  type SparsePosterior,
  hmmFilterPosterior,
  hmmFilterStep,
  hmmForwardBackward,
  hmmModel,
  hmmViterbi,
  posteriorTop,
  shapesLowPass,
} from '../src/reasoning';
import { Rng } from '../src/util/rng';
import { Warnings } from '../src/util/warnings';
import { reasoningBrowserBundle } from './helpers';

function throwsNamed(f: () => unknown, cls: new (...a: never[]) => Error, re: RegExp): void {
  assert.throws(f, (e: unknown) => e instanceof cls && re.test(e.message));
}

function close(a: number, b: number, tol: number): void {
  assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b} (tolerance ${tol})`);
}

/** A graph from adjacency lists with random distances. */
function graphOf(adj: number[][], rng: Rng): ClassGraph {
  const offsets = new Int32Array(adj.length + 1);
  adj.forEach((a, i) => (offsets[i + 1] = offsets[i] + a.length));
  const indices = Int32Array.from(adj.flat());
  const distances = Float32Array.from(indices, () => rng.uniform(0.01, 0.1));
  return { offsets, indices, distances };
}

function fullGraph(K: number, rng: Rng): ClassGraph {
  return graphOf(
    Array.from({ length: K }, (_, i) => Array.from({ length: K }, (_, j) => j).filter((j) => j !== i)),
    rng,
  );
}

function randomGraph(K: number, n: number, rng: Rng): ClassGraph {
  const adj: number[][] = [];
  for (let i = 0; i < K; i++) {
    const s = new Set<number>();
    while (s.size < n) {
      const j = rng.int(K);
      if (j !== i) s.add(j);
    }
    adj.push([...s]);
  }
  return graphOf(adj, rng);
}

/** The full transition matrix from the documented formula (independent of the model's internals). */
function denseA(g: ClassGraph, K: number, stay: number, jump: number, scale: number): Float64Array {
  const A = new Float64Array(K * K).fill(jump / K);
  for (let i = 0; i < K; i++) {
    const a = g.offsets[i];
    const b = g.offsets[i + 1];
    if (a === b) {
      A[i * K + i] += 1 - jump;
      continue;
    }
    A[i * K + i] += stay;
    let W = 0;
    for (let e = a; e < b; e++) W += Math.exp(-(g.distances[e] ** 2) / (2 * scale * scale));
    for (let e = a; e < b; e++) {
      A[i * K + g.indices[e]] +=
        ((1 - stay - jump) * Math.exp(-(g.distances[e] ** 2) / (2 * scale * scale))) / W;
    }
  }
  return A;
}

function randomDense(K: number, rng: Rng, peak = 1): Float64Array {
  const p = new Float64Array(K);
  let s = 0;
  for (let k = 0; k < K; k++) s += p[k] = Math.exp(peak * 3 * rng.next());
  for (let k = 0; k < K; k++) p[k] /= s;
  return p;
}

function emission(f: PosteriorLike, k: number): number {
  if (f instanceof Float32Array || f instanceof Float64Array) return f[k];
  const i = Array.from(f.indices).indexOf(k);
  return i >= 0 ? f.probs[i] : f.epsilon / (f.K - f.indices.length);
}

/** Enumerates every path: the best path, its log joint, and the exact marginals. */
function bruteForce(A: Float64Array, K: number, frames: PosteriorLike[]) {
  const T = frames.length;
  const marg = Array.from({ length: T }, () => new Float64Array(K));
  let best = -Infinity;
  let bestPath: number[] = [];
  let Z = 0;
  const path = new Array<number>(T).fill(0);
  for (let code = 0; code < K ** T; code++) {
    let c = code;
    for (let t = 0; t < T; t++) {
      path[t] = c % K;
      c = Math.floor(c / K);
    }
    let p = (1 / K) * emission(frames[0], path[0]);
    for (let t = 1; t < T; t++) p *= A[path[t - 1] * K + path[t]] * emission(frames[t], path[t]);
    Z += p;
    for (let t = 0; t < T; t++) marg[t][path[t]] += p;
    if (p > best) {
      best = p;
      bestPath = path.slice();
    }
  }
  for (const m of marg) for (let k = 0; k < K; k++) m[k] /= Z;
  return { bestPath, logBest: Math.log(best), marg, logZ: Math.log(Z) };
}

function dense(sp: SparsePosterior): Float64Array {
  const d = new Float64Array(sp.K);
  sp.indices.forEach((k, i) => (d[k] = sp.probs[i]));
  return d;
}

function tv(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let k = 0; k < a.length; k++) s += Math.abs(a[k] - b[k]);
  return s / 2;
}

describe('reasoning: HMM over video', () => {
  const rng = new Rng(7);
  const K = 4;
  const T = 5;
  const g = fullGraph(K, rng);
  const opts = { stay: 0.4, jump: 0.05, scale: 0.05 };
  const model = hmmModel(g, K, opts);
  const A = denseA(g, K, opts.stay, opts.jump, opts.scale);
  const frames = Array.from({ length: T }, () => randomDense(K, rng, 1.5));
  const bf = bruteForce(A, K, frames);

  it('builds rows that sum to 1', () => {
    for (let i = 0; i < K; i++) {
      let s = 0;
      for (let j = 0; j < K; j++) s += A[i * K + j];
      close(s, 1, 1e-12);
      let m = model.selfProb[i] + K * model.jumpProb;
      for (let e = model.outOffsets[i]; e < model.outOffsets[i + 1]; e++) m += model.moveProb[e];
      close(m, 1, 1e-12);
    }
  });

  it('Viterbi equals brute-force enumeration on a tiny HMM (K = 4, T = 5, full graph)', () => {
    const v = hmmViterbi(model, frames, { beam: Infinity });
    assert.deepEqual(Array.from(v.path), bf.bestPath);
    close(v.logProb, bf.logBest, 1e-9);
  });

  it('forward-backward equals brute-force marginals, dense and sparse frames', () => {
    const fb = hmmForwardBackward(model, frames, { beam: Infinity, mass: 1 });
    for (let t = 0; t < T; t++) {
      const d = dense(fb.posteriors[t]);
      for (let k = 0; k < K; k++) close(d[k], bf.marg[t][k], 1e-12);
    }
    close(fb.logLikelihood, bf.logZ, 1e-9);
    const sparse = frames.map((f) => posteriorTop(f, { mass: 0.6 }));
    const bs = bruteForce(A, K, sparse);
    const fs = hmmForwardBackward(model, sparse, { beam: Infinity, mass: 1 });
    for (let t = 0; t < T; t++) {
      const d = dense(fs.posteriors[t]);
      for (let k = 0; k < K; k++) close(d[k], bs.marg[t][k], 1e-12);
    }
    assert.deepEqual(Array.from(hmmViterbi(model, sparse, { beam: Infinity }).path), bs.bestPath);
  });

  it('Viterbi finds a known best path on a chain and ignores a one-frame outlier', () => {
    const Kc = 8;
    const chain = graphOf(
      Array.from({ length: Kc }, (_, i) => [i - 1, i + 1].filter((j) => j >= 0 && j < Kc)),
      new Rng(1),
    );
    const m = hmmModel(chain, Kc, { stay: 0.5, jump: 0 });
    const truth = [0, 1, 1, 2, 3, 3, 4, 5, 6, 6, 7];
    const fr = truth.map((c, t) => {
      const p = new Float64Array(Kc).fill(0.05 / (Kc - 1));
      p[t === 5 ? 0 : c] = 0.95; // frame 5 says class 0: unreachable from 3 and back to 4 in one step each
      return p;
    });
    const v = hmmViterbi(m, fr);
    assert.deepEqual(Array.from(v.path), truth);
  });

  it("the online filter's last frame equals forward-backward's last frame", () => {
    const r = new Rng(3);
    const Kr = 300;
    const m = hmmModel(randomGraph(Kr, 6, r), Kr);
    const fr: PosteriorLike[] = Array.from({ length: 12 }, (_, t) => {
      const p = randomDense(Kr, r, 4);
      return t % 2 ? posteriorTop(p, { mass: 0.99 }) : p;
    });
    const fb = hmmForwardBackward(m, fr, { mass: 1, maxClasses: Kr });
    let s = null;
    for (const f of fr) s = hmmFilterStep(m, s, f);
    assert.equal(s!.frames, 12);
    close(s!.logLikelihood, fb.logLikelihood, 1e-9);
    const last = dense(hmmFilterPosterior(s!, { mass: 1, maxClasses: Kr }));
    const fbLast = dense(fb.posteriors[11]);
    for (let k = 0; k < Kr; k++) close(last[k], fbLast[k], 1e-12);
  });

  it('sparse frames differ from dense ones by at most the stated bound; pruning costs little', () => {
    const r = new Rng(11);
    const Kr = 60;
    const Tr = 8;
    const m = hmmModel(randomGraph(Kr, 5, r), Kr, { jump: 1e-3 });
    const dn = Array.from({ length: Tr }, () => randomDense(Kr, r, 5));
    const sp = dn.map((f) => posteriorTop(f, { mass: 0.99 }));
    const fd = hmmForwardBackward(m, dn, { beam: Infinity, mass: 1, maxClasses: Kr });
    const fs = hmmForwardBackward(m, sp, { beam: Infinity, mass: 1, maxClasses: Kr });
    // Bound: TV ≤ max(δ, δ̃), δ ≤ Σ_t (smoothed mass outside frame t's kept classes) under each model.
    const off = (res: typeof fd) =>
      sp.reduce((acc, f, t) => {
        const d = dense(res.posteriors[t]);
        return acc + 1 - Array.from(f.indices).reduce((a, k) => a + d[k], 0);
      }, 0);
    const bound = Math.max(off(fd), off(fs));
    let worst = 0;
    for (let t = 0; t < Tr; t++)
      worst = Math.max(worst, tv(dense(fd.posteriors[t]), dense(fs.posteriors[t])));
    assert.ok(worst <= bound);
    assert.ok(bound < 1);
    const fp = hmmForwardBackward(m, dn, { beam: 8, mass: 1, maxClasses: Kr });
    for (let t = 0; t < Tr; t++) {
      assert.ok(fp.dropped[t] <= Kr * Math.exp(-8));
      assert.ok(tv(dense(fd.posteriors[t]), dense(fp.posteriors[t])) < 1e-2);
    }
    assert.ok(Math.min(...fp.beamSize) < Kr);
  });

  it('the fast path for sparse frames gives what their dense expansion gives', () => {
    const r = new Rng(13);
    const Kr = 400;
    const m = hmmModel(randomGraph(Kr, 8, r), Kr, { jump: 1e-5 });
    // Peaked frames: 10 classes hold 0.999, the rest share 0.001 (so that pruning can drop the background).
    const sp = Array.from({ length: 10 }, () => {
      const d = new Float64Array(Kr).fill(0.001 / (Kr - 10));
      const w = Array.from({ length: 10 }, () => Math.exp(2 * r.next()));
      const W = w.reduce((x, y) => x + y, 0);
      const c = r.int(Kr - 10);
      w.forEach((x, i) => (d[c + i] = (0.999 * x) / W));
      return posteriorTop(d, { mass: 0.999 });
    });
    const expand = (f: SparsePosterior): Float64Array => {
      const d = new Float64Array(Kr).fill(f.epsilon / (Kr - f.indices.length));
      f.indices.forEach((k, i) => (d[k] = f.probs[i]));
      return d;
    };
    const a = hmmForwardBackward(m, sp, { beam: 6, mass: 1, maxClasses: Kr });
    const b = hmmForwardBackward(m, sp.map(expand), { beam: 6, mass: 1, maxClasses: Kr });
    // The first frame keeps every class (the prior's background is above the threshold); then the fast path runs.
    assert.ok(Math.max(...a.beamSize.subarray(1)) < Kr / 2);
    assert.deepEqual(Array.from(a.beamSize), Array.from(b.beamSize));
    close(a.logLikelihood, b.logLikelihood, 1e-9);
    for (let t = 0; t < sp.length; t++) {
      const x = dense(a.posteriors[t]);
      const y = dense(b.posteriors[t]);
      for (let k = 0; k < Kr; k++) close(x[k], y[k], 1e-12);
    }
  });

  it('output posteriors are sorted, hold the asked mass and report epsilon', () => {
    const r = new Rng(5);
    const Kr = 100;
    const m = hmmModel(randomGraph(Kr, 4, r), Kr);
    const fb = hmmForwardBackward(
      m,
      Array.from({ length: 4 }, () => randomDense(Kr, r, 3)),
      { mass: 0.9 },
    );
    for (const p of fb.posteriors) {
      const s = p.probs.reduce((a, b) => a + b, 0);
      close(s + p.epsilon, 1, 1e-9);
      assert.ok(s >= 0.9 - 1e-9);
      for (let i = 1; i < p.probs.length; i++) assert.ok(p.probs[i] <= p.probs[i - 1]);
    }
  });

  it('warns about classes without neighbours', () => {
    const w = new Warnings();
    const gr = graphOf([[1], [], [1]], new Rng(2));
    const m = hmmModel(gr, 3, { warnings: w });
    assert.equal(w.count('hmm-degenerate-row'), 1);
    close(m.selfProb[1], 1 - 1e-4, 1e-12);
  });

  it('rejects bad input with named errors', () => {
    const r = new Rng(9);
    throwsNamed(
      () => hmmViterbi(model, []),
      ShapeError,
      /hmmViterbi: argument 'frames' expected at least one frame/,
    );
    throwsNamed(
      () => hmmForwardBackward(model, [frames[0], new Float64Array(5).fill(0.2)]),
      ShapeError,
      /hmmForwardBackward: frame 1: expected length K = 4.*got length 5/,
    );
    const other = posteriorTop(randomDense(6, r));
    throwsNamed(
      () => hmmViterbi(model, [other]),
      ShapeError,
      /frame 0: expected a sparse posterior over K = 4.*K = 6.*different table/,
    );
    throwsNamed(() => hmmViterbi(model, [Float64Array.from([0.5, NaN, 0.25, 0.25])]), ValueError, /frame 0/);
    throwsNamed(
      () => hmmViterbi(model, [Float64Array.from([0.5, 0.5, 0.5, 0.5])]),
      ValueError,
      /summing to 1/,
    );
    const selfEdge = graphOf([[0], [0]], r);
    throwsNamed(
      () => hmmModel(selfEdge, 2),
      ValueError,
      /hmmModel: argument 'graph' expected no self-edges, got one at class 0/,
    );
    throwsNamed(() => hmmModel(graphOf([[1, 1], [0]], r), 2), ValueError, /distinct neighbours, got 1 twice/);
    throwsNamed(() => hmmModel(graphOf([[5], [0]], r), 2), ValueError, /neighbours in 0..1, got 5/);
    throwsNamed(() => hmmModel(g, 5), ShapeError, /offsets as an Int32Array of length K \+ 1 = 6/);
    throwsNamed(() => hmmModel(g, K, { stay: 0.99, jump: 0.1 }), ValueError, /'stay' \+ 'jump' expected ≤ 1/);
    throwsNamed(() => hmmModel(g, K, { scale: 0 }), ValueError, /'scale' expected a number > 0/);
    throwsNamed(() => hmmViterbi({} as HmmModel, frames), ValueError, /expected an HmmModel/);
    throwsNamed(
      () => hmmForwardBackward(model, frames, { beam: -1 }),
      ValueError,
      /hmmForwardBackward: argument 'beam' expected a number > 0 \(Infinity: exact\), got -1/,
    );
    const s = hmmFilterStep(model, null, frames[0]);
    const big = hmmModel(fullGraph(5, r), 5);
    throwsNamed(
      () => hmmFilterStep(big, s, new Float64Array(5).fill(0.2)),
      ValueError,
      /'state' expected a state of a model with K = 5, got K = 4/,
    );
    // No path: jump 0 on a graph without edges and frames that move.
    const none = hmmModel(graphOf([[], []], r), 2, { jump: 0 });
    const a = Float64Array.from([1, 0]);
    const b = Float64Array.from([0, 1]);
    throwsNamed(() => hmmViterbi(none, [a, b]), ValueError, /hmmViterbi: frame 1: expected some class/);
    throwsNamed(
      () => hmmForwardBackward(none, [a, b]),
      ValueError,
      /hmmForwardBackward: frame 1: expected some class/,
    );
  });

  it('runs in a no-Node environment (browser bundle in a bare vm context) with the same results', async () => {
    const code = await reasoningBrowserBundle();
    const r = new Rng(4);
    const Kr = 40;
    const gr = randomGraph(Kr, 4, r);
    const fr = Array.from({ length: 6 }, () => Array.from(randomDense(Kr, r, 3)));
    const plain = {
      offsets: Array.from(gr.offsets),
      indices: Array.from(gr.indices),
      distances: Array.from(gr.distances),
      fr,
    };
    const ctx = vm.createContext({ plain });
    assert.equal(vm.runInContext('typeof require + typeof process', ctx), 'undefinedundefined');
    vm.runInContext(code, ctx);
    const got = JSON.parse(
      vm.runInContext(
        `(() => {
          const r = xlReasoning;
          const g = { offsets: Int32Array.from(plain.offsets), indices: Int32Array.from(plain.indices), distances: Float32Array.from(plain.distances) };
          const m = r.hmmModel(g, ${Kr});
          const frames = plain.fr.map((f) => Float64Array.from(f));
          const fb = r.hmmForwardBackward(m, frames);
          return JSON.stringify({ path: Array.from(r.hmmViterbi(m, frames).path), p: Array.from(fb.posteriors[3].probs) });
        })()`,
        ctx,
      ) as string,
    ) as { path: number[]; p: number[] };
    const m = hmmModel(gr, Kr);
    const frames = fr.map((f) => Float64Array.from(f));
    assert.deepEqual(got.path, Array.from(hmmViterbi(m, frames).path));
    assert.deepEqual(got.p, Array.from(hmmForwardBackward(m, frames).posteriors[3].probs));
  });

  it('low-pass: the 3-frame mean, renormalised at the ends; bad input', () => {
    const sh = [0, 3, 6, 9].map((v) => Float32Array.from([v, -v]));
    const out = shapesLowPass(sh);
    assert.deepEqual(Array.from(out.map((s) => s[0])), [1.5, 3, 6, 7.5]);
    assert.equal(out[1][1], -3);
    assert.equal(shapesLowPass(sh, { weights: [0, 1, 0] })[2][0], 6);
    throwsNamed(() => shapesLowPass([]), ShapeError, /shapesLowPass: argument 'shapes' expected a non-empty/);
    throwsNamed(
      () => shapesLowPass([sh[0], new Float32Array(3)]),
      ShapeError,
      /shapes\[1\]' expected length 2/,
    );
    throwsNamed(() => shapesLowPass(sh, { weights: [1, 0, 1] }), ValueError, /positive centre/);
  });
});

/**
 * Ridge regression Y ≈ X·W + b on packed float32 rows, the one linear-algebra route of the refine stage: the centred
 * normal equations (XᵀX and XᵀY, or the dual X Xᵀ when there are fewer rows than features) are formed with tfjs
 * matMul on the engine and solved in float64 by a Cholesky factorisation (cholesky.ts: measured 4.7× faster than
 * ml-matrix's, which the tests check it against). The penalty is relative: lambda × the mean feature variance, so one value fits features of
 * any scale; the bias is not penalised.
 */
import * as tf from '@tensorflow/tfjs';
import { ShapeError, ValueError } from '../errors';
import { choleskySolve } from './cholesky';
import { ridgeDotsKernel } from './ridgeWasm';
import { assertInteger, assertPositive, describe } from '../util/validate';

/** A fitted linear map: y = x·W + b. */
export interface RidgeModel {
  /** Input dimension d. */
  inputDim: number;
  /** Output dimension m. */
  outputDim: number;
  /** d × m, row-major. */
  weights: Float32Array;
  /** m. */
  bias: Float32Array;
}

/** Options of {@link ridgeFit}. */
export interface RidgeOptions {
  /** Penalty relative to the mean feature variance (λ = lambda · trace(Cov X) / d). @default 0.1 */
  lambda?: number;
}

/** Checks a packed n × dim row matrix; returns n. */
function rowsOf(fn: string, name: string, a: unknown, dim: number): number {
  if (!(a instanceof Float32Array) || a.length === 0 || a.length % dim !== 0) {
    throw new ShapeError(
      `${fn}: argument '${name}' expected a non-empty Float32Array of rows of ${dim} values, got ${describe(a)}`,
    );
  }
  return a.length / dim;
}

/**
 * Fits W, b minimising ||Y − XW − 1b||² + λ||W||² over n rows (X: n × d, Y: n × m, packed row-major).
 * @example const r = ridgeFit(X, 256, Y, 4, { lambda: 0.1 }); ridgeApply(r, x)
 */
export function ridgeFit(
  X: Float32Array,
  inputDim: number,
  Y: Float32Array,
  outputDim: number,
  opts: RidgeOptions = {},
): RidgeModel {
  const fn = 'ridgeFit';
  assertInteger(fn, 'inputDim', inputDim, 1, 1e6);
  assertInteger(fn, 'outputDim', outputDim, 1, 1e6);
  const n = rowsOf(fn, 'X', X, inputDim);
  const nY = rowsOf(fn, 'Y', Y, outputDim);
  if (nY !== n) throw new ShapeError(`${fn}: argument 'Y' expected ${n} rows like 'X', got ${nY}`);
  const lambda = opts.lambda ?? 0.1;
  assertPositive(fn, 'opts.lambda', lambda);
  const d = inputDim;
  const m = outputDim;
  // Primal (d × d) normal equations when n ≥ d, dual (n × n: W = Xcᵀ (Xc Xcᵀ + λI)⁻¹ Yc) when there are fewer rows.
  const dual = n < d;
  const p = dual ? n : d;
  const [gram, rhs, xMean, yMean] = tf.tidy(() => {
    const x = tf.tensor2d(X, [n, d]);
    const y = tf.tensor2d(Y, [n, m]);
    const xm = tf.mean(x, 0, true);
    const ym = tf.mean(y, 0, true);
    const xc = tf.sub(x, xm);
    const yc = tf.sub(y, ym);
    return [
      (dual ? tf.matMul(xc, xc, false, true) : tf.matMul(xc, xc, true, false)).dataSync() as Float32Array,
      (dual ? yc : tf.matMul(xc, yc, true, false)).dataSync() as Float32Array,
      xm.dataSync() as Float32Array,
      ym.dataSync() as Float32Array,
    ];
  });
  let trace = 0;
  for (let i = 0; i < p; i++) trace += gram[i * p + i];
  if (!Number.isFinite(trace)) {
    throw new ValueError(`${fn}: argument 'X' expected finite values, got a non-finite Gram matrix`);
  }
  // the trace of Xcᵀ Xc equals that of Xc Xcᵀ: λ is the same in both forms; a constant X still gets a penalty
  const penalty = lambda * Math.max(trace / d, 1e-12 * n);
  const A = new Float64Array(p * p);
  for (let i = 0; i < p; i++) {
    for (let j = 0; j < p; j++) A[i * p + j] = 0.5 * (gram[i * p + j] + gram[j * p + i]);
    A[i * p + i] += penalty;
  }
  const sol = choleskySolve(A, p, Float64Array.from(rhs), m, fn);
  let weights: Float32Array;
  if (dual) {
    weights = tf.tidy(() => {
      const xc = tf.sub(tf.tensor2d(X, [n, d]), tf.tensor2d(xMean, [1, d]));
      return tf
        .matMul(xc, tf.tensor2d(Float32Array.from(sol), [n, m]), true, false)
        .dataSync() as Float32Array;
    });
  } else {
    weights = Float32Array.from(sol);
  }
  const bias = new Float32Array(m);
  for (let j = 0; j < m; j++) {
    let s = yMean[j];
    for (let i = 0; i < d; i++) s -= xMean[i] * weights[i * m + j];
    bias[j] = s;
  }
  return { inputDim: d, outputDim: m, weights, bias };
}

/** From this many rows on, ridgeApply multiplies on the engine (tfjs matMul) rather than in JavaScript. */
export const ENGINE_MIN_ROWS = 32;

/** Wᵀ (m × d) per model, made on first use: each output is then a contiguous dot product (~6× faster than d × m). */
const transposed = new WeakMap<RidgeModel, Float32Array>();

function weightsT(model: RidgeModel): Float32Array {
  let t = transposed.get(model);
  if (t === undefined || t.length !== model.weights.length) {
    const { inputDim: d, outputDim: m, weights } = model;
    t = new Float32Array(d * m);
    for (let i = 0; i < d; i++) for (let j = 0; j < m; j++) t[j * d + i] = weights[i * m + j];
    transposed.set(model, t);
  }
  return t;
}

/**
 * y = x·W + b for n packed rows of x (n × d) into a new n × m array. Unchecked beyond the row length.
 * @example const y = ridgeApply(model, features)
 */
export function ridgeApply(model: RidgeModel, x: Float32Array): Float32Array {
  const { inputDim: d, outputDim: m, bias } = model;
  const n = rowsOf('ridgeApply', 'x', x, d);
  if (n >= ENGINE_MIN_ROWS) {
    return tf.tidy(() =>
      tf
        .add(tf.matMul(tf.tensor2d(x, [n, d]), tf.tensor2d(model.weights, [d, m])), tf.tensor1d(bias))
        .dataSync(),
    ) as Float32Array;
  }
  const out = new Float32Array(n * m);
  ridgeApplyInto(model, x, n, out);
  return out;
}

/**
 * The product of ridgeApply below the engine's rows, into `out` (n × m; unchecked): in WebAssembly SIMD with float64
 * sums (ridgeWasm.ts) where the host has it, else ('js', or no WebAssembly) in JavaScript, four outputs per pass over
 * a row of x (each x value loaded once for four contiguous rows of Wᵀ) with float64 accumulators.
 */
export function ridgeApplyInto(
  model: RidgeModel,
  x: Float32Array,
  n: number,
  out: Float32Array,
  kernel: 'auto' | 'js' = 'auto',
): void {
  const k = kernel === 'auto' ? ridgeDotsKernel() : null;
  if (k !== null && k.fits(model)) {
    k.apply(model, x, n, out);
    return;
  }
  const { inputDim: d, outputDim: m, bias } = model;
  const wt = weightsT(model);
  for (let r = 0; r < n; r++) {
    const xo = r * d;
    const oo = r * m;
    let j = 0;
    for (; j + 3 < m; j += 4) {
      const a = j * d - xo;
      const b = a + d;
      const c = b + d;
      const e = c + d;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let i = xo; i < xo + d; i++) {
        const xi = x[i];
        s0 += xi * wt[a + i];
        s1 += xi * wt[b + i];
        s2 += xi * wt[c + i];
        s3 += xi * wt[e + i];
      }
      out[oo + j] = bias[j] + s0;
      out[oo + j + 1] = bias[j + 1] + s1;
      out[oo + j + 2] = bias[j + 2] + s2;
      out[oo + j + 3] = bias[j + 3] + s3;
    }
    for (; j < m; j++) {
      const a = j * d - xo;
      let s = 0;
      for (let i = xo; i < xo + d; i++) s += x[i] * wt[a + i];
      out[oo + j] = bias[j] + s;
    }
  }
}

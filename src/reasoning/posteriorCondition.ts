/**
 * Conditioning the posterior on evidence (eq. 10 of the paper): p(k | image, evidence) ∝ p(k | image) p(evidence | k).
 * Per class, a soft click on a landmark has likelihood N(click; mu_kj, s_k² + sigma²) (the class's own spread plus the
 * click's noise), a soft click on a group's centre the same with the centroid's spread s_k² / n, a soft box a product
 * over its four edges; hard evidence keeps the classes whose point (centroid, box edges) lies within `radius`.
 * Several items multiply. Everything is in log space and normalised by log-sum-exp, so no weight underflows to NaN.
 * When no class is consistent with the hard evidence the result says so (`consistent: false`, the nearest class's
 * distance) and falls back to soft evidence with sigma = radius.
 *
 * The result carries the conditional posterior (a SparsePosterior over the same K: pass it to every marginal), its
 * expected shape, the distance from each click to the conditional shape, and a snapped shape: the clicked points moved
 * onto the clicks and every other landmark moved by the conditional mixture's regression on them
 * (E[y | clicks] ≈ m + C_{y,e} C_{e,e}⁻¹ (click − m_e), the mixture's means and covariances).
 */
import type { Box } from '../types';
import { assertInRange } from '../util/validate';
import { evidenceResolve, type Evidence, type EvidenceCheckOptions, type ResolvedEvidence } from './evidence';
import { shapeOf } from './landmarkMoments';
import { logSumExp } from './mixture';
import type { PosteriorSupport, PosteriorLike, ReasoningTable, SparsePosterior } from './posterior';
import { topOfWeights } from './posteriorTopOf';
import { prepare, prepareBox, type PixelFrame } from './support';

const LOG_2PI = Math.log(2 * Math.PI);

/** Options of `posteriorCondition`. */
export interface ConditionOptions extends EvidenceCheckOptions {
  /** The conditional posterior keeps the fewest classes holding this much of its mass. @default 1 − 1e-6 */
  mass?: number;
}

/** What `posteriorCondition` returns. */
export interface ConditionResult {
  /** p(k | image, evidence) over the table's K classes. Its ε: the input's ε plus the conditional mass dropped. */
  posterior: SparsePosterior;
  /** Expected shape under the conditional posterior, pixels (2N). */
  shape: Float32Array;
  /** `shape` with the clicked points on their clicks and the other landmarks moved by the conditional mixture. */
  snapped: Float32Array;
  /** Per evidence item: pixels between the click and the conditional shape's point (box: the largest edge gap). */
  clickErrors: Float64Array;
  /** Some class satisfies every hard item (always true for soft evidence). */
  consistent: boolean;
  /** The hard evidence was replaced by soft evidence (sigma = radius) because no class satisfied it. */
  fallback: boolean;
  /** Over classes, the smallest of each class's largest distance (pixels) to an evidence item. */
  nearestDistance: number;
  /** The class that attains `nearestDistance`. */
  nearestClass: number;
  /** log p(evidence | image): a log probability for hard evidence, a log density (per pixel² per click) for soft. */
  logEvidence: number;
  /** The evidence items' labels ('noseTip', 'group leftEye', 'box'). */
  labels: string[];
}

/** @internal Per-support-entry log-likelihood of the evidence; fills `dist` with each class's largest distance. */
function logLikelihoods(
  s: PosteriorSupport,
  table: ReasoningTable,
  f: PixelFrame,
  items: readonly ResolvedEvidence[],
  softOnly: boolean,
  dist: Float64Array | null,
): Float64Array {
  const out = new Float64Array(s.indices.length);
  const far = dist ?? new Float64Array(s.indices.length);
  far.fill(0);
  // one pass over the classes per item, each loop specialised (no allocation or branching on the item inside)
  for (const e of items) {
    const hard = e.hard && !softOnly;
    if (e.kind === 'point') pointTerms(s, table, f, e, hard, out, far);
    else boxTerms(s, table, f, e, hard, out, far);
  }
  return out;
}

function pointTerms(
  s: PosteriorSupport,
  table: ReasoningTable,
  f: PixelFrame,
  e: ResolvedEvidence,
  hard: boolean,
  out: Float64Array,
  far: Float64Array,
): void {
  const D = 2 * table.nPoints;
  const { centers, sigma } = table;
  const pts = e.points;
  const n = pts.length;
  const ux = e.value[0];
  const uy = e.value[1];
  const r2 = e.scale * e.scale;
  const v2 = r2;
  const ax = f.w / n;
  const ay = f.h / n;
  const sx2 = (f.sdx * f.sdx) / n;
  const sy2 = (f.sdy * f.sdy) / n;
  for (let t = 0; t < out.length; t++) {
    const o = s.indices[t] * D;
    let gx = 0;
    let gy = 0;
    for (let q = 0; q < n; q++) {
      gx += centers[o + 2 * pts[q]];
      gy += centers[o + 2 * pts[q] + 1];
    }
    const dx = ux - (f.x + gx * ax);
    const dy = uy - (f.y + gy * ay);
    const d2 = dx * dx + dy * dy;
    if (d2 > far[t] * far[t]) far[t] = Math.sqrt(d2);
    if (hard) {
      if (d2 > r2) out[t] = -Infinity;
    } else {
      const sg2 = sigma[s.indices[t]] * sigma[s.indices[t]];
      const vx = sg2 * sx2 + v2;
      const vy = sg2 * sy2 + v2;
      out[t] += -0.5 * ((dx * dx) / vx + (dy * dy) / vy) - 0.5 * Math.log(vx * vy) - LOG_2PI;
    }
  }
}

function boxTerms(
  s: PosteriorSupport,
  table: ReasoningTable,
  f: PixelFrame,
  e: ResolvedEvidence,
  hard: boolean,
  out: Float64Array,
  far: Float64Array,
): void {
  const N = table.nPoints;
  const D = 2 * N;
  const { centers, sigma } = table;
  const v2 = e.scale * e.scale;
  for (let t = 0; t < out.length; t++) {
    const o = s.indices[t] * D;
    let x0 = Infinity;
    let y0 = Infinity;
    let x1 = -Infinity;
    let y1 = -Infinity;
    for (let j = 0; j < N; j++) {
      const x = centers[o + 2 * j];
      const y = centers[o + 2 * j + 1];
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
    }
    const g0 = Math.abs(e.value[0] - (f.x + x0 * f.w));
    const g1 = Math.abs(e.value[1] - (f.y + y0 * f.h));
    const g2 = Math.abs(e.value[2] - (f.x + x1 * f.w));
    const g3 = Math.abs(e.value[3] - (f.y + y1 * f.h));
    const g = Math.max(g0, g1, g2, g3);
    if (g > far[t]) far[t] = g;
    if (hard) {
      if (g > e.scale) out[t] = -Infinity;
    } else {
      const sg2 = sigma[s.indices[t]] * sigma[s.indices[t]];
      const vx = sg2 * f.sdx * f.sdx + v2;
      const vy = sg2 * f.sdy * f.sdy + v2;
      out[t] +=
        -0.5 * ((g0 * g0 + g2 * g2) / vx + (g1 * g1 + g3 * g3) / vy) -
        Math.log(2 * Math.PI) -
        Math.log(vx * vy);
    }
  }
}

/** @internal The conditional support (same indices, new weights) and what conditioning found. */
export function conditionSupport(
  s: PosteriorSupport,
  table: ReasoningTable,
  f: PixelFrame,
  items: readonly ResolvedEvidence[],
  wantDistances = true,
): {
  weights: Float64Array;
  consistent: boolean;
  fallback: boolean;
  logEvidence: number;
  dist: Float64Array | null;
} {
  const dist = wantDistances ? new Float64Array(s.indices.length) : null;
  let ll = logLikelihoods(s, table, f, items, false, dist);
  const logw = new Float64Array(ll.length);
  const fill = (): number => {
    for (let t = 0; t < ll.length; t++)
      logw[t] = s.weights[t] > 0 ? Math.log(s.weights[t]) + ll[t] : -Infinity;
    return logSumExp(logw);
  };
  let logEvidence = fill();
  const hasHard = items.some((e) => e.hard);
  let consistent = true;
  let fallback = false;
  if (logEvidence === -Infinity && hasHard) {
    consistent = false;
    fallback = true;
    ll = logLikelihoods(s, table, f, items, true, null);
    logEvidence = fill();
  }
  const weights = new Float64Array(ll.length);
  if (logEvidence === -Infinity) {
    // cannot happen for soft evidence on finite inputs (every Gaussian log density is finite); kept as a guard
    weights.set(s.weights);
  } else for (let t = 0; t < ll.length; t++) weights[t] = Math.exp(logw[t] - logEvidence);
  return { weights, consistent, fallback, logEvidence, dist };
}

/** @internal The mean of each point item under a support, and the snapped shape (see the module comment). */
export function snapShape(
  s: PosteriorSupport,
  table: ReasoningTable,
  f: PixelFrame,
  items: readonly ResolvedEvidence[],
  shape: Float32Array,
): Float32Array {
  const pts = items.filter((e) => e.kind === 'point');
  const out = Float32Array.from(shape);
  if (pts.length === 0) return out;
  const N = table.nPoints;
  const D = 2 * N;
  const C = 2 * pts.length;
  const { centers, sigma } = table;
  // the classes that matter (weights below 1e-6 of the largest are left out of the regression), and their item values g_e
  let wmax = 0;
  for (let t = 0; t < s.weights.length; t++) if (s.weights[t] > wmax) wmax = s.weights[t];
  const used: number[] = [];
  for (let t = 0; t < s.weights.length; t++) if (s.weights[t] > 1e-6 * wmax) used.push(t);
  const n = used.length;
  const g = new Float64Array(n * C);
  const me = new Float64Array(C);
  let wsum = 0;
  let wsx = 0; // Σ w s_x², Σ w s_y² (within-class variances)
  let wsy = 0;
  for (let u = 0; u < n; u++) {
    const t = used[u];
    const w = s.weights[t];
    const o = s.indices[t] * D;
    for (let q = 0; q < pts.length; q++) {
      const ps = pts[q].points;
      let gx = 0;
      let gy = 0;
      for (let i = 0; i < ps.length; i++) {
        gx += centers[o + 2 * ps[i]];
        gy += centers[o + 2 * ps[i] + 1];
      }
      g[u * C + 2 * q] = f.x + (gx / ps.length) * f.w;
      g[u * C + 2 * q + 1] = f.y + (gy / ps.length) * f.h;
    }
    for (let c = 0; c < C; c++) me[c] += w * g[u * C + c];
    wsum += w;
    const sg = sigma[s.indices[t]];
    wsx += w * (sg * f.sdx) ** 2;
    wsy += w * (sg * f.sdy) ** 2;
  }
  for (let c = 0; c < C; c++) me[c] /= wsum;
  wsx /= wsum;
  wsy /= wsum;
  // cross covariances: Cye[d][c] = Cov(y_d, e_c) (D × C), Cee (C × C)
  const Cye = new Float64Array(D * C);
  const Cee = new Float64Array(C * C);
  const ge = new Float64Array(C);
  for (let u = 0; u < n; u++) {
    const t = used[u];
    const w = s.weights[t] / wsum;
    const o = s.indices[t] * D;
    for (let c = 0; c < C; c++) ge[c] = g[u * C + c] - me[c];
    for (let d = 0; d < D; d += 2) {
      const ax = w * (f.x + centers[o + d] * f.w - shape[d]);
      const ay = w * (f.y + centers[o + d + 1] * f.h - shape[d + 1]);
      const rx = d * C;
      const ry = rx + C;
      for (let c = 0; c < C; c++) {
        Cye[rx + c] += ax * ge[c];
        Cye[ry + c] += ay * ge[c];
      }
    }
    for (let a = 0; a < C; a++) for (let b = 0; b < C; b++) Cee[a * C + b] += w * ge[a] * ge[b];
  }
  // within-class parts: point i and item e share noise when i is one of e's points
  pts.forEach((e, q) => {
    const n = e.points.length;
    for (const j of e.points) {
      Cye[2 * j * C + 2 * q] += wsx / n;
      Cye[(2 * j + 1) * C + 2 * q + 1] += wsy / n;
    }
    pts.forEach((e2, r) => {
      let shared = 0;
      for (const j of e.points) if (e2.points.includes(j)) shared++;
      if (shared === 0) return;
      const z = shared / (n * e2.points.length);
      Cee[2 * q * C + 2 * r] += wsx * z;
      Cee[(2 * q + 1) * C + 2 * r + 1] += wsy * z;
    });
  });
  // solve Cee · a = (click − m_e), with a small ridge
  let tr = 0;
  for (let c = 0; c < C; c++) tr += Cee[c * C + c];
  const ridge = 1e-9 * (tr / C) + 1e-12;
  for (let c = 0; c < C; c++) Cee[c * C + c] += ridge;
  const rhs = new Float64Array(C);
  pts.forEach((e, q) => {
    rhs[2 * q] = e.value[0] - me[2 * q];
    rhs[2 * q + 1] = e.value[1] - me[2 * q + 1];
  });
  const a = solveSymmetric(Cee, rhs, C);
  for (let d = 0; d < D; d++) {
    let v = 0;
    for (let c = 0; c < C; c++) v += Cye[d * C + c] * a[c];
    out[d] = shape[d] + v;
  }
  // single landmarks land exactly on their clicks
  for (const e of pts) {
    if (e.points.length === 1) {
      out[2 * e.points[0]] = e.value[0];
      out[2 * e.points[0] + 1] = e.value[1];
    }
  }
  return out;
}

/** Gaussian elimination with partial pivoting on a small C × C system (copied; singular pivots are skipped). */
function solveSymmetric(A0: Float64Array, b0: Float64Array, C: number): Float64Array {
  const A = Float64Array.from(A0);
  const b = Float64Array.from(b0);
  for (let i = 0; i < C; i++) {
    let p = i;
    for (let r = i + 1; r < C; r++) if (Math.abs(A[r * C + i]) > Math.abs(A[p * C + i])) p = r;
    if (p !== i) {
      for (let c = 0; c < C; c++) [A[i * C + c], A[p * C + c]] = [A[p * C + c], A[i * C + c]];
      [b[i], b[p]] = [b[p], b[i]];
    }
    const piv = A[i * C + i];
    if (!(Math.abs(piv) > 0)) continue;
    for (let r = i + 1; r < C; r++) {
      const m = A[r * C + i] / piv;
      if (m === 0) continue;
      for (let c = i; c < C; c++) A[r * C + c] -= m * A[i * C + c];
      b[r] -= m * b[i];
    }
  }
  const x = new Float64Array(C);
  for (let i = C - 1; i >= 0; i--) {
    let v = b[i];
    for (let c = i + 1; c < C; c++) v -= A[i * C + c] * x[c];
    const piv = A[i * C + i];
    x[i] = Math.abs(piv) > 0 ? v / piv : 0;
  }
  return x;
}

/** @internal Distance from each item's click to a shape's point (box: the largest edge gap). */
export function clickErrorsOf(
  items: readonly ResolvedEvidence[],
  shape: Float32Array,
  nPoints: number,
): Float64Array {
  return Float64Array.from(items, (e) => {
    if (e.kind === 'point') {
      let gx = 0;
      let gy = 0;
      for (const j of e.points) {
        gx += shape[2 * j];
        gy += shape[2 * j + 1];
      }
      const dx = e.value[0] - gx / e.points.length;
      const dy = e.value[1] - gy / e.points.length;
      return Math.sqrt(dx * dx + dy * dy);
    }
    let x0 = Infinity;
    let y0 = Infinity;
    let x1 = -Infinity;
    let y1 = -Infinity;
    for (let j = 0; j < nPoints; j++) {
      x0 = Math.min(x0, shape[2 * j]);
      x1 = Math.max(x1, shape[2 * j]);
      y0 = Math.min(y0, shape[2 * j + 1]);
      y1 = Math.max(y1, shape[2 * j + 1]);
    }
    return Math.max(
      Math.abs(e.value[0] - x0),
      Math.abs(e.value[1] - y0),
      Math.abs(e.value[2] - x1),
      Math.abs(e.value[3] - y1),
    );
  });
}

/**
 * Conditions a face's posterior on evidence: clicks on landmarks or groups, or a box, hard or soft (see the module
 * comment). Never NaN: inconsistent hard evidence falls back to soft and says so.
 * @example
 * const c = posteriorCondition(sp, table, box, { landmark: 'noseTip', x: 101, y: 87, sigma: 2 });
 * c.snapped // the shape through the click; attributeMarginal(c.posterior, table) // yaw given the click
 */
export function posteriorCondition(
  posterior: PosteriorLike,
  table: ReasoningTable,
  box: Box,
  evidence: Evidence | readonly Evidence[],
  opts: ConditionOptions = {},
): ConditionResult {
  const fn = 'posteriorCondition';
  const s = prepare(fn, posterior, table);
  const f = prepareBox(fn, box);
  const items = evidenceResolve(fn, evidence, table, box, opts);
  const mass = opts.mass ?? 1 - 1e-6;
  assertInRange(fn, 'mass', mass, 0, 1);
  const c = conditionSupport(s, table, f, items);
  let nearest = 0;
  for (let t = 1; t < c.dist!.length; t++) if (c.dist![t] < c.dist![nearest]) nearest = t;
  const top = topOfWeights(s.indices, c.weights, mass);
  const kept: PosteriorSupport = { indices: top.indices, weights: top.weights, epsilon: 0 };
  const shape = shapeOf(kept, table, f);
  const snapped = snapShape(kept, table, f, items, shape);
  const scale = 1 - s.epsilon;
  const probs = new Float64Array(top.weights.length);
  let sum = 0;
  for (let i = 0; i < probs.length; i++) sum += probs[i] = top.weights[i] * top.kept * scale;
  return {
    posterior: {
      kind: 'sparse-posterior',
      K: table.K,
      indices: top.indices,
      probs,
      epsilon: Math.max(0, 1 - sum),
    },
    shape,
    snapped,
    clickErrors: clickErrorsOf(items, shape, table.nPoints),
    consistent: c.consistent,
    fallback: c.fallback,
    nearestDistance: c.dist![nearest],
    nearestClass: s.indices[nearest],
    logEvidence: c.logEvidence,
    labels: items.map((e) => e.label),
  };
}

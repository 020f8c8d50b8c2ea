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
  // weights[t] ∝ exp(log w_t + ll_t − max), exponentiated once and normalised by their sum (log-sum-exp)
  const weights = new Float64Array(ll.length);
  const fill = (): number => {
    let m = -Infinity;
    for (let t = 0; t < ll.length; t++) {
      const v = s.weights[t] > 0 ? Math.log(s.weights[t]) + ll[t] : -Infinity;
      weights[t] = v;
      if (v > m) m = v;
    }
    if (m === -Infinity) return -Infinity;
    let z = 0;
    for (let t = 0; t < ll.length; t++) z += weights[t] = Math.exp(weights[t] - m);
    for (let t = 0; t < ll.length; t++) weights[t] /= z;
    return m + Math.log(z);
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
  // cannot happen for soft evidence on finite inputs (every Gaussian log density is finite); kept as a guard
  if (logEvidence === -Infinity) weights.set(s.weights);
  return { weights, consistent, fallback, logEvidence, dist };
}

/**
 * @internal The expected shape of a support and its snapped form (see the module comment) in one pass over the classes:
 * the regression's cross covariances come from uncentred moments over the classes that matter (weights above 1e-6 of
 * the largest), Cov(y_d, g_c) = E[y_d g_c] − E[y_d] E[g_c], which equals the centred sum exactly in real arithmetic.
 */
export function shapeAndSnap(
  s: PosteriorSupport,
  table: ReasoningTable,
  f: PixelFrame,
  items: readonly ResolvedEvidence[],
): { shape: Float32Array; snapped: Float32Array } {
  const pts = items.filter((e) => e.kind === 'point');
  const N = table.nPoints;
  const D = 2 * N;
  const C = 2 * pts.length;
  const { centers, sigma } = table;
  const { indices, weights } = s;
  let wmax = 0;
  for (let t = 0; t < weights.length; t++) if (weights[t] > wmax) wmax = weights[t];
  const thr = 1e-6 * wmax;
  const accU = new Float64Array(D); // Σ_used w mu_d (box units), Σ_other w mu_d
  const accS = new Float64Array(D);
  const S = new Float64Array(C * D); // S[c·D + d] = Σ_used w g_c mu_d (box units)
  const G = new Float64Array(C * C); // Σ_used w g_a g_b
  const me = new Float64Array(C);
  const g = new Float64Array(C);
  const wg = new Float64Array(C);
  let wsum = 0;
  let ws2 = 0; // Σ_used w sigma_k²
  for (let t = 0; t < indices.length; t++) {
    const w = weights[t];
    if (w === 0) continue;
    const o = indices[t] * D;
    if (!(w > thr) || C === 0) {
      for (let d = 0; d < D; d++) accS[d] += w * centers[o + d];
      continue;
    }
    for (let q = 0; q < pts.length; q++) {
      const ps = pts[q].points;
      let gx = 0;
      let gy = 0;
      for (let i = 0; i < ps.length; i++) {
        gx += centers[o + 2 * ps[i]];
        gy += centers[o + 2 * ps[i] + 1];
      }
      g[2 * q] = gx / ps.length;
      g[2 * q + 1] = gy / ps.length;
    }
    for (let c = 0; c < C; c++) {
      wg[c] = w * g[c];
      me[c] += wg[c];
      for (let c2 = 0; c2 < C; c2++) G[c * C + c2] += wg[c] * g[c2];
    }
    wsum += w;
    ws2 += w * sigma[indices[t]] * sigma[indices[t]];
    if (C === 2) {
      const ax = wg[0];
      const ay = wg[1];
      for (let d = 0; d < D; d++) {
        const v = centers[o + d];
        accU[d] += w * v;
        S[d] += ax * v;
        S[D + d] += ay * v;
      }
    } else {
      for (let d = 0; d < D; d++) {
        const v = centers[o + d];
        accU[d] += w * v;
        for (let c = 0; c < C; c++) S[c * D + d] += wg[c] * v;
      }
    }
  }
  const shape = new Float32Array(D);
  for (let d = 0; d < D; d += 2) {
    shape[d] = f.x + (accU[d] + accS[d]) * f.w;
    shape[d + 1] = f.y + (accU[d + 1] + accS[d + 1]) * f.h;
  }
  const snapped = Float32Array.from(shape);
  if (C === 0) return { shape, snapped };
  const scale = (d: number): number => (d & 1 ? f.h : f.w);
  for (let c = 0; c < C; c++) me[c] /= wsum;
  const wsx = (ws2 / wsum) * f.sdx * f.sdx; // within-class variances (pixels²)
  const wsy = (ws2 / wsum) * f.sdy * f.sdy;
  // cross covariances in pixels: Cye[d][c] = Cov(y_d, e_c) (D × C), Cee (C × C)
  const Cye = new Float64Array(D * C);
  const Cee = new Float64Array(C * C);
  for (let d = 0; d < D; d++) {
    const md = accU[d] / wsum;
    for (let c = 0; c < C; c++) Cye[d * C + c] = (S[c * D + d] / wsum - md * me[c]) * scale(d) * scale(c);
  }
  for (let a = 0; a < C; a++)
    for (let b = 0; b < C; b++) Cee[a * C + b] = (G[a * C + b] / wsum - me[a] * me[b]) * scale(a) * scale(b);
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
    rhs[2 * q] = e.value[0] - (f.x + me[2 * q] * f.w);
    rhs[2 * q + 1] = e.value[1] - (f.y + me[2 * q + 1] * f.h);
  });
  const a = solveSymmetric(Cee, rhs, C);
  for (let d = 0; d < D; d++) {
    let v = 0;
    for (let c = 0; c < C; c++) v += Cye[d * C + c] * a[c];
    snapped[d] = shape[d] + v;
  }
  // single landmarks land exactly on their clicks
  for (const e of pts) {
    if (e.points.length === 1) {
      snapped[2 * e.points[0]] = e.value[0];
      snapped[2 * e.points[0] + 1] = e.value[1];
    }
  }
  return { shape, snapped };
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
  const { shape, snapped } = shapeAndSnap(kept, table, f, items);
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

/**
 * The whole 300-W / 300-VW protocol for several methods on the same faces in one call: per-face errors under each
 * normalisation (box diagonal, outer-eye corners) and point set (all 68, the 49 inner), summarised (mean, median,
 * AUC@0.08, failure rate) over all faces, the hard subset (faces farthest from the mean shape) and each group (e.g.
 * the 300-VW categories). Rows are plain objects: `evaluate.protocolTable` turns them into a DataFrame.
 */
import { ShapeError, ValueError } from '../errors';
import { assertPackedShapes } from '../classes/packedShapes';
import type { LandmarkScheme } from '../landmarks/scheme';
import { assertInRange, assertOneOf, describe } from '../util/validate';
import { evaluationSummary, type EvaluationSummary } from './evaluationSummary';
import { hardSubset } from './hardSubset';
import { normalizedErrors } from './normalizedError';
import { type Normalization, NORMALIZATIONS } from './normalizer';
import { POINT_SETS } from './pointSet';

/** Named point sets of the protocol's tables. */
export type ProtocolPoints = (typeof POINT_SETS)[number];

/** Options of {@link evaluateProtocol}. */
export interface EvaluateProtocolOptions {
  /** @default ['bbox-diagonal', 'inter-ocular'] (300-VW, 300-W) */
  normalizations?: readonly Normalization[];
  /** @default ['all', 'inner'] (68 and 49 points for iBUG-68) */
  points?: readonly ProtocolPoints[];
  /** One label per face (e.g. `vw300CategoryOf` of each frame): rows per group too. @default none */
  groups?: readonly string[];
  /** Share of faces in the hard subset; 0 leaves it out. @default 0.1 */
  hardFraction?: number;
  /** Threshold of the AUC and the failure rate. @default 0.08 */
  maxError?: number;
  /** @default schemeFor(nPoints) */
  scheme?: LandmarkScheme;
}

/** One line of the protocol's table. */
export interface ProtocolRow extends EvaluationSummary {
  method: string;
  /** 'all', 'hard' or a group label. */
  subset: string;
  normalization: Normalization;
  points: ProtocolPoints;
}

/** What {@link evaluateProtocol} returns. */
export interface ProtocolResult {
  rows: ProtocolRow[];
  /** Per-face errors: `errors[method][`${normalization}/${points}`]`. */
  errors: Record<string, Record<string, Float64Array>>;
  /** Indices of the hard subset (empty when hardFraction is 0). */
  hard: Int32Array;
  methods: string[];
}

/**
 * Scores each method's predictions (packed B × 2N in pixels, like `gt`) with the protocol.
 * @example const r = evaluate.evaluateProtocol(gts, 68, { ours: preds, faceApi: peer })
 */
export function evaluateProtocol(
  gt: Float32Array,
  nPoints: number,
  methods: Readonly<Record<string, Float32Array>>,
  opts: EvaluateProtocolOptions = {},
): ProtocolResult {
  const fn = 'evaluateProtocol';
  assertPackedShapes(fn, 'gt', gt, nPoints);
  const B = gt.length / (2 * nPoints);
  const names = methods !== null && typeof methods === 'object' ? Object.keys(methods) : [];
  if (names.length === 0) {
    throw new ValueError(
      `${fn}: argument 'methods' expected { name: predictions } with at least one method, got ${describe(methods)}`,
    );
  }
  for (const name of names) {
    const p = methods[name];
    if (!(p instanceof Float32Array) || p.length !== gt.length) {
      throw new ShapeError(
        `${fn}: argument 'methods.${name}' expected ${B} shapes of ${nPoints} points (length ${gt.length}) like 'gt', got ${describe(p)}`,
      );
    }
  }
  const normalizations = opts.normalizations ?? ['bbox-diagonal', 'inter-ocular'];
  normalizations.forEach((n, i) => assertOneOf(fn, `normalizations[${i}]`, n, NORMALIZATIONS));
  const pointSets = opts.points ?? ['all', 'inner'];
  pointSets.forEach((p, i) => assertOneOf(fn, `points[${i}]`, p, POINT_SETS));
  const hardFraction = opts.hardFraction ?? 0.1;
  assertInRange(fn, 'hardFraction', hardFraction, 0, 1);
  const groups = opts.groups;
  if (groups !== undefined && (!Array.isArray(groups) || groups.length !== B)) {
    throw new ShapeError(
      `${fn}: option 'groups' expected ${B} labels (one per face), got ${describe(groups)}`,
    );
  }
  const summaryOpts = { maxError: opts.maxError ?? 0.08 };
  const hard =
    hardFraction > 0 ? hardSubset(gt, nPoints, { fraction: hardFraction }).indices : new Int32Array(0);
  const subsets: Array<[string, ArrayLike<number> | null]> = [['all', null]];
  if (hard.length > 0) subsets.push(['hard', hard]);
  if (groups) {
    const members = new Map<string, number[]>();
    groups.forEach((g, i) => members.set(String(g), [...(members.get(String(g)) ?? []), i]));
    for (const [g, idx] of members) subsets.push([g, idx]);
  }
  const rows: ProtocolRow[] = [];
  const errors: ProtocolResult['errors'] = {};
  for (const method of names) {
    errors[method] = {};
    for (const normalization of normalizations) {
      for (const points of pointSets) {
        const e = normalizedErrors(methods[method], gt, nPoints, {
          normalization,
          points,
          scheme: opts.scheme,
        });
        errors[method][`${normalization}/${points}`] = e;
        for (const [subset, idx] of subsets) {
          const sel = idx === null ? e : Array.from(idx, (i) => e[i]);
          rows.push({ method, subset, normalization, points, ...evaluationSummary(sel, summaryOpts) });
        }
      }
    }
  }
  return { rows, errors, hard, methods: names };
}

/**
 * The curves of one normalisation and point set, for `viz.cedFigure` (every method on one CED).
 * @example viz.show(viz.cedFigure(evaluate.protocolCurves(r, 'inter-ocular', 'all')))
 */
export function protocolCurves(
  result: ProtocolResult,
  normalization: Normalization = 'bbox-diagonal',
  points: ProtocolPoints = 'all',
): Array<{ name: string; errors: Float64Array }> {
  const key = `${normalization}/${points}`;
  return result.methods.map((name) => {
    const e = result.errors[name]?.[key];
    if (e === undefined) {
      throw new ValueError(
        `protocolCurves: the result has no errors for ${key} (it has ${Object.keys(result.errors[name] ?? {}).join(', ')})`,
      );
    }
    return { name, errors: e };
  });
}

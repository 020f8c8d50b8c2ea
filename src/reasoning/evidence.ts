/**
 * Evidence for conditioning (eq. 10): a click on a landmark, on a group's centre, or a box for the face's landmarks,
 * each hard (within `radius` pixels) or soft (a Gaussian likelihood with `sigma` pixels). Validated once into a
 * resolved form (point indices, pixel values) that the hot loops use.
 */
import { ShapeError, ValueError } from '../errors';
import { boxValidate } from '../landmarks/box';
import type { Box } from '../types';
import { describe } from '../util/validate';
import { groupResolve, landmarkName, landmarkResolve, tableScheme, type LandmarkRef } from './landmarkRef';
import type { ReasoningTable } from './posterior';

/** How sure the evidence is: exactly one of `radius` (hard) or `sigma` (soft), in pixels. Default: soft, sigma = 1 % of the box diagonal. */
export interface EvidenceStrength {
  /** Hard: the point lies within this many pixels of the click (classes whose centre does not are ruled out). */
  radius?: number;
  /** Soft: the click is the point plus Gaussian noise of this sd (pixels), on top of each class's own spread. */
  sigma?: number;
}

/** "Landmark `landmark` is at (x, y)" (pixels). */
export interface LandmarkEvidence extends EvidenceStrength {
  landmark: LandmarkRef;
  x: number;
  y: number;
}

/** "The centre of group `group` (e.g. 'leftEye') is at (x, y)" (pixels). */
export interface GroupEvidence extends EvidenceStrength {
  group: string;
  x: number;
  y: number;
}

/** "The landmarks' bounding box is `box`" (pixels; radius / sigma apply to each of its four edges). */
export interface BoxEvidence extends EvidenceStrength {
  box: Box;
}

export type Evidence = LandmarkEvidence | GroupEvidence | BoxEvidence;

/** @internal One validated evidence item. */
export interface ResolvedEvidence {
  kind: 'point' | 'box';
  /** Points whose mean is observed (one for a landmark, the group's for a group; all for a box). */
  points: readonly number[];
  /** Observed x, y (point) or x0, y0, x1, y1 (box), pixels. */
  value: Float64Array;
  hard: boolean;
  /** radius (hard) or sigma (soft), pixels. */
  scale: number;
  /** 'noseTip', 'group leftEye', 'box'. */
  label: string;
}

/** Options that checks on the clicks use. */
export interface EvidenceCheckOptions {
  /** The image size: clicks outside [−0.5, width − 0.5] × [−0.5, height − 0.5] are refused. @default no check */
  imageSize?: { width: number; height: number };
}

function strength(fn: string, e: EvidenceStrength, i: number, box: Box): { hard: boolean; scale: number } {
  if (e.radius !== undefined && e.sigma !== undefined) {
    throw new ValueError(`${fn}: argument 'evidence[${i}]' expected one of 'radius' or 'sigma', got both`);
  }
  if (e.radius !== undefined) {
    if (typeof e.radius !== 'number' || !(e.radius > 0) || !Number.isFinite(e.radius)) {
      throw new ValueError(
        `${fn}: argument 'evidence[${i}].radius' expected a finite number > 0, got ${describe(e.radius)}`,
      );
    }
    return { hard: true, scale: e.radius };
  }
  if (e.sigma !== undefined) {
    if (typeof e.sigma !== 'number' || !(e.sigma > 0) || !Number.isFinite(e.sigma)) {
      throw new ValueError(
        `${fn}: argument 'evidence[${i}].sigma' expected a finite number > 0, got ${describe(e.sigma)}`,
      );
    }
    return { hard: false, scale: e.sigma };
  }
  return { hard: false, scale: 0.01 * Math.hypot(box.width, box.height) };
}

function clickXY(
  fn: string,
  e: { x: unknown; y: unknown },
  i: number,
  opts: EvidenceCheckOptions,
): [number, number] {
  const { x, y } = e;
  if (typeof x !== 'number' || typeof y !== 'number' || !Number.isFinite(x) || !Number.isFinite(y)) {
    throw new ValueError(
      `${fn}: argument 'evidence[${i}]' expected finite pixel coordinates x, y, got (${describe(x)}, ${describe(y)})`,
    );
  }
  const im = opts.imageSize;
  if (im && (x < -0.5 || y < -0.5 || x > im.width - 0.5 || y > im.height - 0.5)) {
    throw new ValueError(
      `${fn}: argument 'evidence[${i}]' expected a click inside the ${im.width}×${im.height} image, got (${x}, ${y})`,
    );
  }
  return [x, y];
}

/** @internal Validates and resolves evidence against a table's scheme. */
export function evidenceResolve(
  fn: string,
  evidence: Evidence | readonly Evidence[],
  table: ReasoningTable,
  box: Box,
  opts: EvidenceCheckOptions = {},
): ResolvedEvidence[] {
  const list = Array.isArray(evidence) ? (evidence as readonly Evidence[]) : [evidence as Evidence];
  if (list.length === 0)
    throw new ShapeError(`${fn}: argument 'evidence' expected at least one item, got none`);
  if (opts.imageSize !== undefined) {
    const { width, height } = opts.imageSize;
    if (!(width > 0 && height > 0)) {
      throw new ValueError(
        `${fn}: argument 'imageSize' expected a positive width and height, got ${describe(opts.imageSize)}`,
      );
    }
  }
  const scheme = tableScheme(table);
  return list.map((e, i): ResolvedEvidence => {
    if (typeof e !== 'object' || e === null) {
      throw new ValueError(
        `${fn}: argument 'evidence[${i}]' expected an evidence object, got ${describe(e)}`,
      );
    }
    const has = ['landmark', 'group', 'box'].filter(
      (k) => (e as unknown as Record<string, unknown>)[k] !== undefined,
    );
    if (has.length !== 1) {
      throw new ValueError(
        `${fn}: argument 'evidence[${i}]' expected exactly one of 'landmark', 'group' or 'box', got ${has.length ? has.join(' and ') : 'none'}`,
      );
    }
    const st = strength(fn, e, i, box);
    if ('box' in e && e.box !== undefined) {
      boxValidate(fn, `evidence[${i}].box`, e.box);
      const b = e.box;
      return {
        kind: 'box',
        points: Array.from({ length: table.nPoints }, (_, j) => j),
        value: Float64Array.of(b.x, b.y, b.x + b.width, b.y + b.height),
        ...st,
        label: 'box',
      };
    }
    const [x, y] = clickXY(fn, e as LandmarkEvidence, i, opts);
    if ('landmark' in e && e.landmark !== undefined) {
      const j = landmarkResolve(fn, e.landmark, scheme, `evidence[${i}].landmark`);
      return {
        kind: 'point',
        points: [j],
        value: Float64Array.of(x, y),
        ...st,
        label: landmarkName(scheme, j),
      };
    }
    const g = (e as GroupEvidence).group;
    const points = groupResolve(fn, g, scheme, `evidence[${i}].group`);
    return { kind: 'point', points, value: Float64Array.of(x, y), ...st, label: `group ${g}` };
  });
}

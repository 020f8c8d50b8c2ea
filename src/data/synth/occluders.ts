/**
 * Occluders in image space, built from two primitives with exact inside tests (capsules and rotated
 * ellipses): bars, discs, hand-like blobs (a palm and fingers) and sunglasses. The same inside test draws
 * the occluder and flags the landmarks it hides.
 */
import { pupils } from '../../landmarks/eyes';
import { ibug68 } from '../../landmarks/scheme';
import type { Box, Shape } from '../../types';
import type { Rng } from '../../util/rng';
import type { OccluderKind } from './options';

/** A capsule (segment a–b with radius r) or a rotated ellipse. */
export type Prim =
  | { type: 'capsule'; ax: number; ay: number; bx: number; by: number; r: number }
  | { type: 'ellipse'; cx: number; cy: number; rx: number; ry: number; angle: number };

export interface Occluder {
  kind: OccluderKind;
  prims: Prim[];
  color: [number, number, number];
  /** Meant to hide the whole face. */
  full: boolean;
}

function insidePrim(p: Prim, x: number, y: number): boolean {
  if (p.type === 'capsule') {
    const dx = p.bx - p.ax;
    const dy = p.by - p.ay;
    const l2 = dx * dx + dy * dy;
    let t = l2 > 0 ? ((x - p.ax) * dx + (y - p.ay) * dy) / l2 : 0;
    t = t < 0 ? 0 : t > 1 ? 1 : t;
    const ex = x - (p.ax + t * dx);
    const ey = y - (p.ay + t * dy);
    return ex * ex + ey * ey <= p.r * p.r;
  }
  const c = Math.cos(p.angle);
  const s = Math.sin(p.angle);
  const u = ((x - p.cx) * c + (y - p.cy) * s) / p.rx;
  const v = (-(x - p.cx) * s + (y - p.cy) * c) / p.ry;
  return u * u + v * v <= 1;
}

/** True when (x, y) is under the occluder. */
export function occluderInside(o: Occluder, x: number, y: number): boolean {
  for (const p of o.prims) if (insidePrim(p, x, y)) return true;
  return false;
}

function primBounds(p: Prim): [number, number, number, number] {
  if (p.type === 'capsule') {
    return [
      Math.min(p.ax, p.bx) - p.r,
      Math.min(p.ay, p.by) - p.r,
      Math.max(p.ax, p.bx) + p.r,
      Math.max(p.ay, p.by) + p.r,
    ];
  }
  const r = Math.max(p.rx, p.ry);
  return [p.cx - r, p.cy - r, p.cx + r, p.cy + r];
}

/** Draws the occluder (a flat colour with a soft vertical gradient) into `data`. */
export function drawOccluder(o: Occluder, data: Uint8Array, W: number, H: number, C: 1 | 3): void {
  let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const p of o.prims) {
    const b = primBounds(p);
    x0 = Math.min(x0, b[0]);
    y0 = Math.min(y0, b[1]);
    x1 = Math.max(x1, b[2]);
    y1 = Math.max(y1, b[3]);
  }
  const xa = Math.max(0, Math.floor(x0));
  const xb = Math.min(W - 1, Math.ceil(x1));
  const ya = Math.max(0, Math.floor(y0));
  const yb = Math.min(H - 1, Math.ceil(y1));
  const [r, g, b] = o.color;
  const gray = 0.299 * r + 0.587 * g + 0.114 * b;
  for (let y = ya; y <= yb; y++) {
    const k = 1.1 - (0.25 * (y - y0)) / Math.max(1, y1 - y0);
    for (let x = xa; x <= xb; x++) {
      if (!occluderInside(o, x, y)) continue;
      const q = y * W + x;
      if (C === 1) data[q] = Math.min(255, gray * k);
      else {
        data[3 * q] = Math.min(255, r * k);
        data[3 * q + 1] = Math.min(255, g * k);
        data[3 * q + 2] = Math.min(255, b * k);
      }
    }
  }
}

/**
 * Places an occluder of `kind` over the face with landmarks `shape` and box `box`. A full occluder is
 * sized to cover every landmark (sunglasses are never full: a full request becomes a disc).
 */
export function placeOccluder(
  rng: Rng,
  kind: OccluderKind,
  full: boolean,
  shape: Shape,
  box: Box,
  skin: [number, number, number],
): Occluder {
  const bs = Math.max(box.width, box.height, 1);
  const bcx = box.x + box.width / 2;
  const bcy = box.y + box.height / 2;
  const diag = Math.hypot(box.width, box.height) / 2 + 2;
  const n = shape.length >> 1;
  const anchor = rng.int(n);
  const ax = shape[2 * anchor];
  const ay = shape[2 * anchor + 1];
  const rnd = (): [number, number, number] => [rng.uniform(0, 255), rng.uniform(0, 255), rng.uniform(0, 255)];
  if (kind === 'sunglasses' && full) kind = 'disc';
  switch (kind) {
    case 'bar': {
      const ang = rng.uniform(0, Math.PI);
      const dx = Math.cos(ang) * 4 * bs;
      const dy = Math.sin(ang) * 4 * bs;
      const [cx, cy] = full ? [bcx, bcy] : [ax, ay];
      const r = full ? diag * 1.05 : rng.uniform(0.06, 0.18) * bs;
      return {
        kind,
        full,
        color: rnd(),
        prims: [{ type: 'capsule', ax: cx - dx, ay: cy - dy, bx: cx + dx, by: cy + dy, r }],
      };
    }
    case 'disc': {
      const prim: Prim = full
        ? { type: 'ellipse', cx: bcx, cy: bcy, rx: diag * 1.05, ry: diag * 1.05, angle: 0 }
        : {
            type: 'ellipse',
            cx: ax,
            cy: ay,
            rx: rng.uniform(0.15, 0.4) * bs,
            ry: rng.uniform(0.15, 0.4) * bs,
            angle: rng.uniform(0, Math.PI),
          };
      return { kind, full, color: rnd(), prims: [prim] };
    }
    case 'hand': {
      const s = full ? (diag * 1.1) / 0.35 : rng.uniform(0.5, 0.9) * bs;
      const [cx, cy] = full ? [bcx, bcy] : [ax, ay];
      const ang = rng.uniform(0, 2 * Math.PI);
      const c = Math.cos(ang);
      const si = Math.sin(ang);
      const at = (u: number, v: number): [number, number] => [
        cx + s * (u * c - v * si),
        cy + s * (u * si + v * c),
      ];
      const prims: Prim[] = [{ type: 'ellipse', cx, cy, rx: 0.3 * s, ry: 0.36 * s, angle: ang }];
      if (full) prims.push({ type: 'ellipse', cx, cy, rx: 0.36 * s, ry: 0.36 * s, angle: 0 });
      for (let f = 0; f < 4; f++) {
        const u = -0.21 + 0.14 * f;
        const [x0, y0] = at(u, -0.25);
        const [x1, y1] = at(u * 1.2, -0.25 - (f === 0 || f === 3 ? 0.42 : 0.52));
        prims.push({ type: 'capsule', ax: x0, ay: y0, bx: x1, by: y1, r: 0.065 * s });
      }
      const [tx0, ty0] = at(0.22, 0.05);
      const [tx1, ty1] = at(0.5, -0.2);
      prims.push({ type: 'capsule', ax: tx0, ay: ty0, bx: tx1, by: ty1, r: 0.075 * s });
      const k = rng.uniform(0.7, 1.05);
      const color: [number, number, number] = [
        Math.min(255, 205 * skin[0] * k),
        160 * skin[1] * k,
        135 * skin[2] * k,
      ];
      return { kind, full, color, prims };
    }
    case 'sunglasses': {
      const { right: er, left: el } = pupils(shape, ibug68);
      const d = Math.max(Math.hypot(el[0] - er[0], el[1] - er[1]), 0.1 * bs);
      const angle = Math.atan2(el[1] - er[1], el[0] - er[0]);
      const rx = d * rng.uniform(0.38, 0.5);
      const ry = d * rng.uniform(0.25, 0.35);
      const tone = rng.uniform(10, 60);
      return {
        kind,
        full,
        color: [tone, tone, tone * rng.uniform(1, 1.6)],
        prims: [
          { type: 'ellipse', cx: er[0], cy: er[1], rx, ry, angle },
          { type: 'ellipse', cx: el[0], cy: el[1], rx, ry, angle },
          { type: 'capsule', ax: er[0], ay: er[1], bx: el[0], by: el[1], r: Math.max(0.6, 0.05 * d) },
        ],
      };
    }
  }
}

/**
 * `Conv2DBackpropInput` for the wasm backend, replacing wasm's own (correct, but a scalar C++ loop) with XNNPACK
 * forward convolutions: at stride 1, dy convolved with the filter flipped in space and with its channel axes swapped
 * ([KH,KW,Cout,Cin]), padded by KH-1-top above and whatever makes the output H rows below (cropped when that is
 * negative); at stride s > 1, one such convolution per stride phase (s² of them, each with a sub-filter), written
 * interleaved into dx. Stride 1 with padding larger than the filter (never produced by 'same' or 'valid') falls
 * back to wasm's kernel.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import {
  assertNHWC,
  conv2d,
  interleaveZeros,
  originalKernel,
  pair,
  reverse,
  Scratch,
  slice,
  transpose,
  view,
  type KernelArgs,
} from './wasmOps';
import {
  cropToShape,
  explicitPad,
  forwardPadInfo,
  inputGradPadding,
  type Padding,
  type Shape4,
} from './convGeometry';

type Info = tf.TensorInfo;

/**
 * dx = conv(dy, filter flipped in space with its channel axes swapped), padded KH-1-top above; at unequal strides
 * (rare) dy first gets stride-1 zeros interleaved.
 */
function inputGradDirect(
  b: BackendWasm,
  dy: Info,
  filter: Info,
  inShape: Shape4,
  strides: [number, number],
  p: Padding,
): Info {
  const s = new Scratch(b);
  try {
    const flipped = s.keep(reverse(b, filter, [0, 1]));
    const w = s.keep(transpose(b, flipped, [0, 1, 3, 2])); // [KH,KW,Cout,Cin]
    const src =
      strides[0] > 1 || strides[1] > 1 ? s.keep(interleaveZeros(b, dy, strides[0], strides[1])) : dy;
    const dx = conv2d(b, src, w, { strides: [1, 1], dilations: [1, 1], pad: explicitPad(p) });
    return cropToShape(b, s, dx, p, [...inShape]);
  } finally {
    s.dispose();
  }
}

/**
 * Stride s > 1 (square), by stride phases ("sub-pixel" decomposition): the dx rows with (row + top) ≡ ph (mod s)
 * receive only the taps kh ≡ ph (mod s). One stride-1 convolution of dy (not of a zero-interleaved dy, which costs
 * s² times the work) with a filter that stacks the s² flipped sub-filters W[ph::s, pw::s] along its output channels
 * (zero taps where a phase has fewer) yields all phases at once; a transpose interleaves them (DepthToSpace), and a crop removes
 * the rows and columns outside dx.
 */
function inputGradStrided(
  b: BackendWasm,
  dy: Info,
  filter: Info,
  inShape: Shape4,
  st: number,
  padInfo: { top: number; left: number },
): Info {
  const [B, H, W, Cin] = inShape;
  const [KH, KW, , Cout] = filter.shape;
  const [OH, OW] = [dy.shape[1], dy.shape[2]];
  const th = Math.ceil(KH / st); // taps of the fullest phase
  const tw = Math.ceil(KW / st);
  // Phase rows q cover padded rows q·s + ph; q from qa so that [qa·s, (qb+1)·s) covers [top, top + H).
  const qa = Math.floor(padInfo.top / st);
  const qb = Math.floor((padInfo.top + H - 1) / st);
  const ua = Math.floor(padInfo.left / st);
  const ub = Math.floor((padInfo.left + W - 1) / st);
  const padT = th - 1 - qa;
  const padB = qb - qa + 1 - OH - padT + th - 1;
  const padL = tw - 1 - ua;
  const padR = ub - ua + 1 - OW - padL + tw - 1;
  const s = new Scratch(b);
  try {
    // wf[a, e, co, (ph·s + pw)·Cin + ci] = W[ph + (th-1-a)·s, pw + (tw-1-e)·s, ci, co] where that tap exists.
    const depth = st * st * Cin;
    const wf = s.keep(b.makeOutput([th, tw, Cout, depth], 'float32'));
    const dst = b.typedArrayFromHeap(wf);
    dst.fill(0);
    const src = b.typedArrayFromHeap(filter);
    for (let a = 0; a < th; a++) {
      for (let e = 0; e < tw; e++) {
        for (let ph = 0; ph < st; ph++) {
          const kh = ph + (th - 1 - a) * st;
          if (kh >= KH) continue;
          for (let pw = 0; pw < st; pw++) {
            const kw = pw + (tw - 1 - e) * st;
            if (kw >= KW) continue;
            const from = (kh * KW + kw) * Cin * Cout;
            const to = (a * tw + e) * Cout * depth + (ph * st + pw) * Cin;
            for (let co = 0; co < Cout; co++) {
              for (let ci = 0; ci < Cin; ci++) dst[to + co * depth + ci] = src[from + ci * Cout + co];
            }
          }
        }
      }
    }
    const phases = s.keep(
      conv2d(b, dy, wf, {
        strides: [1, 1],
        dilations: [1, 1],
        pad: explicitPad({ top: padT, left: padL, bottom: padB, right: padR }),
      }),
    );
    // DepthToSpace by a transpose ([B·nq, nu, s, s·Cin] → [B·nq, s, nu, s·Cin]): wasm's DepthToSpace kernel is a
    // per-element loop, several times slower than its Transpose.
    const [, nq, nu] = phases.shape;
    const inter = transpose(b, view(phases, [B * nq, nu, st, st * Cin]), [0, 2, 1, 3]);
    const full = view(inter, [B, nq * st, nu * st, Cin]);
    // Row r of `full` is padded row (qa + max(0,-padT))·s + r, i.e. dx row r + r0 with r0 below.
    const r0 = Math.max(0, -padT) * st + padInfo.top - qa * st;
    const c0 = Math.max(0, -padL) * st + padInfo.left - ua * st;
    if (r0 === 0 && c0 === 0 && full.shape[1] === H && full.shape[2] === W) return full;
    s.keep(full);
    return slice(b, full, [0, r0, c0, 0], [B, H, W, Cin]);
  } finally {
    s.dispose();
  }
}

function conv2dBackpropInput(args: KernelArgs): Info {
  const b = args.backend as BackendWasm;
  const { dy, filter } = args.inputs as { dy: Info; filter: Info };
  const attrs = args.attrs as unknown as tf.Conv2DBackpropInputAttrs;
  assertNHWC('Conv2DBackpropInput', attrs.dataFormat);
  const inShape = attrs.inputShape;
  const padInfo = forwardPadInfo(inShape, filter.shape as Shape4, attrs, false);
  const [sH, sW] = pair(attrs.strides);
  if (sH > 1 && sH === sW) return inputGradStrided(b, dy, filter, inShape, sH, padInfo);
  const p = inputGradPadding(inShape, filter.shape as Shape4, [dy.shape[1], dy.shape[2]], [sH, sW], padInfo);
  if (p.top < 0 || p.left < 0) return originalKernel('Conv2DBackpropInput')(args) as Info;
  return inputGradDirect(b, dy, filter, inShape, [sH, sW], p);
}

export const conv2dBackpropInputConfig: tf.KernelConfig = {
  kernelName: 'Conv2DBackpropInput',
  backendName: 'wasm',
  kernelFunc: conv2dBackpropInput,
};

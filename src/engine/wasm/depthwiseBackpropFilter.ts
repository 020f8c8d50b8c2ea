/**
 * `DepthwiseConv2dNativeBackpropFilter` for the wasm backend (which lacks it), by the same transposition as the
 * dense filter gradient: x as [1,H,W,B·C] convolved depthwise with dy as the filter [OH,OW,B·C,M], dilation =
 * stride, gives [1,KH,KW,B·C·M]; summing over B gives dW [KH,KW,C,M].
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { ValueError } from '../../errors';
import { depthwiseConv2d, pair, Scratch, slice, sum, transpose, view, type KernelArgs } from './wasmOps';

type Info = tf.TensorInfo;
type Shape4 = [number, number, number, number];

function depthwiseBackpropFilter(args: KernelArgs): Info {
  const b = args.backend as BackendWasm;
  const { x, dy } = args.inputs as { x: Info; dy: Info };
  const attrs = args.attrs as unknown as tf.DepthwiseConv2dNativeBackpropFilterAttrs;
  const [dH, dW] = pair(attrs.dilations);
  if (dH !== 1 || dW !== 1) {
    throw new ValueError(
      `DepthwiseConv2dNativeBackpropFilter (wasm): dilations must be 1, got [${dH}, ${dW}]`,
    );
  }
  const [B, H, W, C] = x.shape;
  const [KH, KW, , M] = attrs.filterShape;
  const conv = tf.backend_util.computeConv2DInfo(
    x.shape as Shape4,
    attrs.filterShape,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    true,
  );
  const [sH, sW] = pair(attrs.strides);
  const [OH, OW] = [dy.shape[1], dy.shape[2]];
  const { top, left } = conv.padInfo;
  const bottom = KH + (OH - 1) * sH - H - top;
  const right = KW + (OW - 1) * sW - W - left;
  const s = new Scratch(b);
  try {
    const xT = s.keep(transpose(b, x, [1, 2, 0, 3])); // [H,W,B,C]
    const dyT = s.keep(transpose(b, dy, [1, 2, 0, 3])); // [OH,OW,B,C·M]
    let g = depthwiseConv2d(b, view(xT, [1, H, W, B * C]), view(dyT, [OH, OW, B * C, M]), {
      strides: [1, 1],
      dilations: [sH, sW],
      pad: [
        [0, 0],
        [top, Math.max(0, bottom)],
        [left, Math.max(0, right)],
        [0, 0],
      ],
    }); // [1, KH + max(0,-bottom), KW + max(0,-right), B·C·M]
    if (bottom < 0 || right < 0) {
      s.keep(g);
      g = slice(b, g, [0, 0, 0, 0], [1, KH, KW, B * C * M]);
    }
    if (B === 1) return view(g, [KH, KW, C, M]);
    s.keep(g);
    return sum(b, view(g, [KH, KW, B, C, M]), [2]);
  } finally {
    s.dispose();
  }
}

export const depthwiseBackpropFilterConfig: tf.KernelConfig = {
  kernelName: 'DepthwiseConv2dNativeBackpropFilter',
  backendName: 'wasm',
  kernelFunc: depthwiseBackpropFilter,
};

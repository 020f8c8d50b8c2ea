/**
 * `DepthwiseConv2dNativeBackpropInput` for the wasm backend (which lacks it): one XNNPACK depthwise convolution of
 * dy (zeros interleaved at stride > 1) with the filter flipped in space, seen as [KH,KW,C·M,1]; with a channel
 * multiplier M > 1 the [B,H,W,C·M] result is summed over M. Same padding geometry as the dense input gradient.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { ValueError } from '../../errors';
import {
  assertUnitDilations,
  cropToShape,
  explicitPad,
  forwardPadInfo,
  inputGradPadding,
  type Shape4,
} from './convGeometry';
import {
  depthwiseConv2d,
  interleaveZeros,
  pair,
  reverse,
  Scratch,
  sum,
  view,
  type KernelArgs,
} from './wasmOps';

type Info = tf.TensorInfo;

function depthwiseBackpropInput(args: KernelArgs): Info {
  const b = args.backend as BackendWasm;
  const { dy, filter } = args.inputs as { dy: Info; filter: Info };
  const attrs = args.attrs as unknown as tf.DepthwiseConv2dNativeBackpropInputAttrs;
  assertUnitDilations('DepthwiseConv2dNativeBackpropInput', attrs.dilations);
  const inShape = attrs.inputShape;
  const [B, H, W, C] = inShape;
  const [KH, KW, , M] = filter.shape;
  const padInfo = forwardPadInfo(inShape, filter.shape as Shape4, attrs, true);
  const [sH, sW] = pair(attrs.strides);
  const p = inputGradPadding(inShape, filter.shape as Shape4, [dy.shape[1], dy.shape[2]], [sH, sW], padInfo);
  if (p.top < 0 || p.left < 0) {
    throw new ValueError(
      `DepthwiseConv2dNativeBackpropInput (wasm): padding larger than the filter is not supported, got ${JSON.stringify(attrs.pad)}`,
    );
  }
  const s = new Scratch(b);
  try {
    const flipped = s.keep(reverse(b, filter, [0, 1]));
    const src = sH > 1 || sW > 1 ? s.keep(interleaveZeros(b, dy, sH, sW)) : dy;
    const full = depthwiseConv2d(b, src, view(flipped, [KH, KW, C * M, 1]), {
      strides: [1, 1],
      dilations: [1, 1],
      pad: explicitPad(p),
    });
    const dx = cropToShape(b, s, full, p, [B, H, W, C * M]);
    if (M === 1) return dx;
    s.keep(dx);
    return sum(b, view(dx, [B, H, W, C, M]), [4]);
  } finally {
    s.dispose();
  }
}

export const depthwiseBackpropInputConfig: tf.KernelConfig = {
  kernelName: 'DepthwiseConv2dNativeBackpropInput',
  backendName: 'wasm',
  kernelFunc: depthwiseBackpropInput,
};

/**
 * `DepthwiseConv2dNativeBackpropFilter` for the wasm backend (which lacks it), by the same transposition as the
 * dense filter gradient: x as [1,H,W,B·C] convolved depthwise with dy as the filter [OH,OW,B·C,M], dilation =
 * stride, gives [1,KH,KW,B·C·M]; summing over B gives dW [KH,KW,C,M].
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { depthwiseConv2d, pair, Scratch, sum, transpose, view, type KernelArgs } from './wasmOps';
import {
  assertUnitDilations,
  cropToShape,
  explicitPad,
  filterGradPadding,
  forwardPadInfo,
  type Shape4,
} from './convGeometry';

type Info = tf.TensorInfo;

function depthwiseBackpropFilter(args: KernelArgs): Info {
  const b = args.backend as BackendWasm;
  const { x, dy } = args.inputs as { x: Info; dy: Info };
  const attrs = args.attrs as unknown as tf.DepthwiseConv2dNativeBackpropFilterAttrs;
  assertUnitDilations('DepthwiseConv2dNativeBackpropFilter', attrs.dilations);
  const [B, H, W, C] = x.shape;
  const [KH, KW, , M] = attrs.filterShape;
  const padInfo = forwardPadInfo(x.shape as Shape4, attrs.filterShape, attrs, true);
  const [sH, sW] = pair(attrs.strides);
  const [OH, OW] = [dy.shape[1], dy.shape[2]];
  const p = filterGradPadding([H, W], [KH, KW], [OH, OW], [sH, sW], padInfo);
  const s = new Scratch(b);
  try {
    const xT = s.keep(transpose(b, x, [1, 2, 0, 3])); // [H,W,B,C]
    const dyT = s.keep(transpose(b, dy, [1, 2, 0, 3])); // [OH,OW,B,C·M]
    // [1, KH + max(0,-bottom), KW + max(0,-right), B·C·M], cropped to [1,KH,KW,B·C·M]
    const full = depthwiseConv2d(b, view(xT, [1, H, W, B * C]), view(dyT, [OH, OW, B * C, M]), {
      strides: [1, 1],
      dilations: [sH, sW],
      pad: explicitPad(p),
    });
    const g = cropToShape(b, s, full, p, [1, KH, KW, B * C * M]);
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

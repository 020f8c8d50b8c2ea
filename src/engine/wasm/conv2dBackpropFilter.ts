/**
 * `Conv2DBackpropFilter` for the wasm backend (which lacks it), as one forward XNNPACK convolution on transposed
 * tensors: dW[kh,kw,ci,co] = Σ_{b,oh,ow} xpad[b, oh·s+kh, ow·s+kw, ci] · dy[b,oh,ow,co] is a convolution of
 * x as [Cin,H,W,B] (batch Cin, channels B) with dy as the filter [OH,OW,B,Cout], dilation = stride, stride 1,
 * padded explicitly like the forward pass; the [Cin,KH,KW,Cout] result is transposed back to [KH,KW,Cin,Cout].
 * (Routing through wasm's Conv3DBackpropFilterV2 instead is wrong at stride 2.)
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { assertNHWC, conv2d, pair, Scratch, transpose } from './wasmOps';
import { cropToShape, explicitPad, filterGradPadding, forwardPadInfo, type Shape4 } from './convGeometry';

type Info = tf.TensorInfo;

/** dW for NHWC `x` [B,H,W,Cin] and `dy` [B,OH,OW,Cout]; returns a new [KH,KW,Cin,Cout] buffer. */
export function conv2dFilterGradNHWC(
  b: BackendWasm,
  x: Info,
  dy: Info,
  filterShape: Shape4,
  attrs: Pick<tf.Conv2DBackpropFilterAttrs, 'strides' | 'pad' | 'dimRoundingMode'>,
): Info {
  const [, H, W, Cin] = x.shape;
  const [KH, KW, , Cout] = filterShape;
  const padInfo = forwardPadInfo(x.shape as Shape4, filterShape, attrs, false);
  const [sH, sW] = pair(attrs.strides);
  const p = filterGradPadding([H, W], [KH, KW], [dy.shape[1], dy.shape[2]], [sH, sW], padInfo);
  const s = new Scratch(b);
  try {
    const xT = s.keep(transpose(b, x, [3, 1, 2, 0])); // [Cin,H,W,B]
    const dyT = s.keep(transpose(b, dy, [1, 2, 0, 3])); // [OH,OW,B,Cout]
    // [Cin, KH + max(0,-bottom), KW + max(0,-right), Cout], cropped to [Cin,KH,KW,Cout]
    const full = conv2d(b, xT, dyT, { strides: [1, 1], dilations: [sH, sW], pad: explicitPad(p) });
    const g = s.keep(cropToShape(b, s, full, p, [Cin, KH, KW, Cout]));
    return transpose(b, g, [1, 2, 0, 3]);
  } finally {
    s.dispose();
  }
}

function conv2dBackpropFilter(args: {
  inputs: tf.NamedTensorInfoMap;
  backend: tf.KernelBackend;
  attrs?: tf.NamedAttrMap;
}): Info {
  const b = args.backend as BackendWasm;
  const { x, dy } = args.inputs as unknown as tf.Conv2DBackpropFilterInputs & { x: Info; dy: Info };
  const attrs = args.attrs as unknown as tf.Conv2DBackpropFilterAttrs;
  assertNHWC('Conv2DBackpropFilter', attrs.dataFormat);
  return conv2dFilterGradNHWC(b, x, dy, attrs.filterShape, attrs);
}

export const conv2dBackpropFilterConfig: tf.KernelConfig = {
  kernelName: 'Conv2DBackpropFilter',
  backendName: 'wasm',
  kernelFunc: conv2dBackpropFilter as tf.KernelFunc,
};

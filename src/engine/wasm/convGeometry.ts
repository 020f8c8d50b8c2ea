/**
 * Padding geometry shared by the wasm convolution-gradient kernels (dense and depthwise, input and filter
 * gradients): the forward pass's padding, the explicit padding each gradient convolution needs (its bottom and
 * right may be negative: rows the forward pass never reads), that padding as XNNPACK takes it (negative sides
 * clamped to 0), and the crop that then trims the extra rows and columns. Internal to src/engine/wasm.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { ValueError } from '../../errors';
import { pair, type Scratch, slice } from './wasmOps';

type Info = tf.TensorInfo;
type ConvInfoArgs = Parameters<typeof tf.backend_util.computeConv2DInfo>;
export type Shape4 = [number, number, number, number];

/** Explicit padding of the two spatial axes of an NHWC tensor; bottom and right may be negative. */
export interface Padding {
  top: number;
  left: number;
  bottom: number;
  right: number;
}

/** Top and left padding of the forward convolution (NHWC, dilation 1) that the gradient belongs to. */
export function forwardPadInfo(
  inShape: Shape4,
  filterShape: Shape4,
  attrs: { strides: ConvInfoArgs[2]; pad: ConvInfoArgs[4]; dimRoundingMode?: ConvInfoArgs[5] },
  depthwise: boolean,
): { top: number; left: number } {
  return tf.backend_util.computeConv2DInfo(
    inShape,
    filterShape,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    depthwise,
    'channelsLast',
  ).padInfo;
}

/**
 * Input gradients (dense and depthwise): padding of the (stretched) dy for the convolution with the filter
 * flipped in space, KH-1-top above and whatever makes the output H rows below.
 */
export function inputGradPadding(
  inShape: Shape4,
  filterShape: Shape4,
  outHW: [number, number],
  strides: [number, number],
  padInfo: { top: number; left: number },
): Padding {
  const [, H, W] = inShape;
  const [KH, KW] = filterShape;
  const top = KH - 1 - padInfo.top;
  const left = KW - 1 - padInfo.left;
  return {
    top,
    left,
    bottom: H - outHW[0] * strides[0] + padInfo.top,
    right: W - outHW[1] * strides[1] + padInfo.left,
  };
}

/**
 * Filter gradients (dense and depthwise): padding of x for its convolution with dy (dilation = stride). The forward
 * pass reads (OH-1)·sH + KH rows of padded x starting at -top; a negative bottom means trailing rows unread.
 */
export function filterGradPadding(
  inHW: [number, number],
  kernelHW: [number, number],
  outHW: [number, number],
  strides: [number, number],
  padInfo: { top: number; left: number },
): Padding {
  const { top, left } = padInfo;
  return {
    top,
    left,
    bottom: kernelHW[0] + (outHW[0] - 1) * strides[0] - inHW[0] - top,
    right: kernelHW[1] + (outHW[1] - 1) * strides[1] - inHW[1] - left,
  };
}

/** The `pad` argument of conv2d / depthwiseConv2d for `p`, negative sides as 0 (`cropToShape` trims them). */
export function explicitPad(p: Padding): tf.backend_util.ExplicitPadding {
  return [
    [0, 0],
    [Math.max(0, p.top), Math.max(0, p.bottom)],
    [Math.max(0, p.left), Math.max(0, p.right)],
    [0, 0],
  ];
}

/**
 * `t` when `p` has no negative bottom or right; else `t` (handed to `s` for disposal) cropped from the origin to
 * `shape`, dropping the rows and columns that `explicitPad` could not remove.
 */
export function cropToShape(b: BackendWasm, s: Scratch, t: Info, p: Padding, shape: number[]): Info {
  if (p.bottom >= 0 && p.right >= 0) return t;
  s.keep(t);
  return slice(b, t, [0, 0, 0, 0], shape);
}

/** The depthwise gradient kernels support dilation 1 only: a named error for anything else. */
export function assertUnitDilations(
  kernel: string,
  dilations: number | [number, number] | number[] | undefined,
): void {
  const [dH, dW] = pair(dilations);
  if (dH !== 1 || dW !== 1) {
    throw new ValueError(`${kernel} (wasm): dilations must be 1, got [${dH}, ${dW}]`);
  }
}

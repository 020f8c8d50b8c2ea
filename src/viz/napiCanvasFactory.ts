/** The default canvas factory, backed by @napi-rs/canvas (Skia; its binary ships in the npm package). */
import { type Canvas, ImageData, createCanvas } from '@napi-rs/canvas';
import type { CanvasFactory, Context2D, PixelCanvas } from './context2d';

/** Wraps an @napi-rs/canvas Canvas as a `PixelCanvas`. */
class NapiPixelCanvas implements PixelCanvas {
  constructor(readonly canvas: Canvas) {}
  get width(): number {
    return this.canvas.width;
  }
  get height(): number {
    return this.canvas.height;
  }
  context(): Context2D {
    return this.canvas.getContext('2d');
  }
  putRgba(rgba: Uint8ClampedArray, x: number, y: number, width: number, height: number): void {
    const img = new ImageData(rgba, width, height);
    this.canvas.getContext('2d').putImageData(img, x, y);
  }
  getRgba(): Uint8ClampedArray {
    return this.canvas.getContext('2d').getImageData(0, 0, this.width, this.height).data;
  }
  drawCanvas(src: PixelCanvas, dx: number, dy: number, dw: number, dh: number): void {
    if (!(src instanceof NapiPixelCanvas)) {
      throw new TypeError('drawCanvas: the source canvas must come from the same factory');
    }
    this.canvas.getContext('2d').drawImage(src.canvas, dx, dy, dw, dh);
  }
}

/** Canvases from @napi-rs/canvas. */
export const napiCanvasFactory: CanvasFactory = (width, height) =>
  new NapiPixelCanvas(createCanvas(width, height));

/**
 * The slice of the 2D canvas API that the drawing code uses. Both a browser `CanvasRenderingContext2D`
 * and @napi-rs/canvas's context satisfy it, so the same drawing runs in Node (notebooks, tests) and in
 * the browser widgets. No DOM type is referenced here.
 */
export interface Context2D {
  /** A CSS colour string when set by this library (typed `unknown` so canvas gradients also fit). */
  fillStyle: unknown;
  strokeStyle: unknown;
  lineWidth: number;
  font: string;
  textBaseline: string;
  beginPath(): void;
  closePath(): void;
  moveTo(x: number, y: number): void;
  lineTo(x: number, y: number): void;
  arc(x: number, y: number, radius: number, startAngle: number, endAngle: number): void;
  rect(x: number, y: number, w: number, h: number): void;
  fill(): void;
  stroke(): void;
  fillRect(x: number, y: number, w: number, h: number): void;
  strokeRect(x: number, y: number, w: number, h: number): void;
  fillText(text: string, x: number, y: number): void;
}

/** What a canvas factory returns: a drawable surface whose pixels can be written and read back as RGBA. */
export interface PixelCanvas {
  readonly width: number;
  readonly height: number;
  /** A 2D context on the surface. */
  context(): Context2D;
  /** Replaces the pixels of a region with RGBA bytes (length w·h·4), ignoring the current transform. */
  putRgba(rgba: Uint8ClampedArray, x: number, y: number, width: number, height: number): void;
  /** Reads the whole surface as RGBA bytes (length width·height·4). */
  getRgba(): Uint8ClampedArray;
  /** Draws another canvas of the same factory scaled into the rectangle (dx, dy, dw, dh). */
  drawCanvas(src: PixelCanvas, dx: number, dy: number, dw: number, dh: number): void;
}

/**
 * Makes canvases. The default uses @napi-rs/canvas (see `napiCanvasFactory`); inject another to draw
 * elsewhere (STYLE §14: inject the environment).
 */
export type CanvasFactory = (width: number, height: number) => PixelCanvas;

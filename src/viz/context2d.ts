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
  /** Starts a new path. */
  beginPath(): void;
  /** Closes the current sub-path. */
  closePath(): void;
  /** Starts a sub-path at (x, y). */
  moveTo(x: number, y: number): void;
  /** Adds a straight line to (x, y). */
  lineTo(x: number, y: number): void;
  /** Adds a circular arc centred at (x, y). */
  arc(x: number, y: number, radius: number, startAngle: number, endAngle: number): void;
  /** Adds a rectangle to the path. */
  rect(x: number, y: number, w: number, h: number): void;
  /** Fills the current path with `fillStyle`. */
  fill(): void;
  /** Strokes the current path with `strokeStyle` and `lineWidth`. */
  stroke(): void;
  /** Fills a rectangle. */
  fillRect(x: number, y: number, w: number, h: number): void;
  /** Strokes a rectangle outline. */
  strokeRect(x: number, y: number, w: number, h: number): void;
  /** Draws text with `font` and `fillStyle`. */
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

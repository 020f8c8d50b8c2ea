/** Loading the widget's face image (a data: URL carried in the props) and drawing heatmap layers. */
import { heatmapRgba } from '../../../src/viz/heatmapRgba';

/** Loads an image URL; resolves null when there is none. */
export function loadImage(url: string | undefined): Promise<HTMLImageElement | null> {
  if (url === undefined) return Promise.resolve(null);
  return new Promise((resolve, reject) => {
    const img = new Image();
    img.onload = () => resolve(img);
    img.onerror = () => reject(new Error('widget: the image could not be decoded'));
    img.src = url;
  });
}

/** A reusable offscreen canvas holding a heatmap as RGBA, to be drawn scaled into its region. */
export class HeatLayer {
  private readonly canvas = document.createElement('canvas');

  /** Fills the layer from row-major values (see viz.heatmapRgba) and returns it. */
  fill(values: ArrayLike<number>, cols: number, rows: number): HTMLCanvasElement {
    if (this.canvas.width !== cols || this.canvas.height !== rows) {
      this.canvas.width = cols;
      this.canvas.height = rows;
    }
    const ctx = this.canvas.getContext('2d');
    if (ctx === null) throw new Error('widget: no 2D canvas context');
    ctx.putImageData(new ImageData(heatmapRgba(values, cols, rows), cols, rows), 0, 0);
    return this.canvas;
  }
}

/**
 * Visualisation: canvas drawings of shapes, Plotly figure specs as pure data, self-contained HTML, and
 * the notebook display glue (`show`). Rendering only: nothing here computes results others rely on.
 */
export * from './context2d';
export * from './napiCanvasFactory';
export * from './rasterRgba';
export { GROUP_COLORS, type DrawShapeOptions } from './drawShape';
export * from './nearestLandmark';
export * from './drawLandmarks';
export * from './rasterToPng';
export * from './contactSheet';
export type { PlotlyTrace, Figure, FigureOptions } from './figure';
export * from './lineFigure';
export * from './barFigure';
export * from './histogramFigure';
export * from './heatmapFigure';
export * from './cedFigure';
export { plotlyBundleHtml, figureHtml, type FigureHtmlOptions } from './figureHtml';
export { show, type NotebookDisplay, type ShowOptions, type Showable } from './show';
export { rasterToDataUrl, widgetHtml } from './widgetHtml';

/**
 * Visualisation: canvas drawings of shapes, Plotly figure specs as pure data, self-contained HTML, and
 * the notebook display glue (`show`). Rendering only: nothing here computes results others rely on.
 *
 * @module
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
export * from './trainingFigure';
export * from './marginalsFigure';
export * from './paperFigures';
export * from './uncertaintyFigures';
export * from './heatmapRgba';
export * from './drawHeatmapOverlay';
export * from './drawEllipses';
export * from './exemplarsSheet';
export * from './figureFile';
export * from './scatterFigure';
export { plotlyBundleHtml, figureHtml, escapeHtmlText, type FigureHtmlOptions } from './figureHtml';
export {
  show,
  tslabNewDisplay,
  type NotebookDisplay,
  type ShowOptions,
  type Showable,
  type UpdatableDisplay,
} from './show';
export { rasterToDataUrl, widgetHtml, type WidgetHtmlOptions } from './widgetHtml';
export * from './teachingState';
export * from './widgetStates';
export * from './liveProgress';
export * from './conditionState';
export * from './videoState';
export * from './exemplarsState';

/**
 * exemplar-landmarks: the whole public API. Notebooks, widgets and benchmarks import only from here.
 * Each stage is a namespace: `xl.engine`, `xl.landmarks`, `xl.io`, `xl.datasets`, `xl.synth`, …
 */
export * from './errors';
export * from './types';
export { Rng, Warnings, type Warning, isQuick, dataPath } from './util';
export * as engine from './engine';
export * as landmarks from './landmarks';
export * as io from './data/io';
export * as datasets from './data/datasets';
export * as detect from './data/detect';
export * as synth from './data/synth';
export * as classes from './classes';
export * as model from './model';
export * as evaluate from './evaluate';
export * as viz from './viz';
export * as reasoning from './reasoning';
export * as refine from './refine';
export * as experiments from './experiments';
export * as neighbors from './neighbors';

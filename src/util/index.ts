export * from './packRows';
export * from './paths';
export * from './rng';
export * from './validate';
export * from './warnings';

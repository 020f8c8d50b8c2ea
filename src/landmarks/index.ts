export * from './scheme';
export * from './shape';
export * from './box';
export * from './flip';
export * from './eyes';
export * from './procrustes';
export * from './template';
export * from './pose';

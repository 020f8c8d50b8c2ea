/**
 * Landmarks: the iBUG-68 scheme as data, shape and box operations in pixel and box coordinates, flipping,
 * eye distances, Procrustes alignment, the 3D template and head pose from a 2D shape.
 *
 * @module
 */
export * from './scheme';
export * from './shape';
export * from './box';
export * from './flip';
export * from './eyes';
export * from './procrustes';
export * from './template';
export * from './pose';

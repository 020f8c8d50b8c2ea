/**
 * Reasoning on the posterior (marginals, heatmaps, conditioning, HMM): being filled in by its issue.
 *
 * @module
 */
export {};

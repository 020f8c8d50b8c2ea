/**
 * Refinement (box regressor, cascaded refinement): being filled in by its issue.
 *
 * @module
 */
export {};

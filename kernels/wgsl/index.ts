/**
 * WGSL building blocks of the WebGPU engine: numeric helpers matching the update language's
 * built-ins, the counter-based random generator, and the module frame and kernel shapes.
 */
export { NUMERIC_FN, NUMERIC_WGSL } from './numeric.js';
export { RANDOM_WGSL } from '../random.js';
export * from './templates.js';

/**
 * How the WebGPU engine lays a network out on the GPU, where the user (or a benchmark) wants
 * to choose rather than take the engine's pick. Every choice computes the same model; they
 * differ in speed, and `propagation` in the rounding of summed weights (see PropagationMode).
 * Pure (no Dawn), so the command line can validate it without opening a device.
 */
import type { PropagationMode, ScatterMode } from './decisions.js';

export interface GpuTuning {
  /** grid: one dispatch per fused group and step; workgroup: one workgroup per copy runs a whole chunk. auto: workgroup up to 4 elements per lane on a GPU (any size up to 65536 on a software adapter). */
  shape?: 'auto' | 'grid' | 'workgroup';
  /** auto: fixed-point atomics, or f32 atomics where fixed point would round the weights. */
  propagation?: PropagationMode | 'auto';
  /** auto: a compacted spike list on hardware adapters, a scan of the spike flags on software ones. */
  scatter?: ScatterMode | 'auto';
}

export const GPU_SHAPES = ['auto', 'grid', 'workgroup'] as const;
export const GPU_PROPAGATIONS = ['auto', 'fixed', 'float', 'gather'] as const;
export const GPU_SCATTERS = ['auto', 'list', 'scan'] as const;

/** The choices that differ from auto, in words ("" when all are auto), for notes and reports. */
export function describeTuning(t: GpuTuning): string {
  const parts = (['shape', 'propagation', 'scatter'] as const)
    .filter((k) => t[k] !== undefined && t[k] !== 'auto')
    .map((k) => `${k} ${t[k]}`);
  return parts.join(', ');
}

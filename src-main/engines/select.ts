/**
 * Picks the engine for a run: `cpu`, `webgpu`, or `auto` (WebGPU on a hardware adapter,
 * else the CPU engine with a one-line reason). A software adapter (SwiftShader) computes
 * correctly but far slower than the CPU engine, so `auto` passes it over.
 */
import type { Plan } from '../compiler/plan.js';
import { cpuEngine } from './cpu/cpu-engine.js';
import type { Engine } from './types.js';
import { F32_TIME_ADVICE, f32TimeProblem } from './webgpu/f32-time.js';
import type { GpuTuning } from './webgpu/tuning.js';

export type EngineChoice = 'cpu' | 'webgpu' | 'auto';

export interface SelectedEngine {
  engine: Engine;
  /** Why the engine is not the one asked for (auto → cpu). */
  note?: string;
  /** Releases the GPU device, if any. */
  dispose(): void;
}

async function tryWebGpu(tuning: GpuTuning): Promise<{ engine: Engine; software: boolean; dispose(): void } | { unavailable: string }> {
  let mod: { createWebGpuEngine?: (tuning: GpuTuning) => Promise<{ engine: Engine & { software?: boolean; dispose?: () => void } } | { unavailable: string }> };
  try {
    // A variable specifier: the WebGPU module (and Dawn) load only when asked for.
    const specifier = './webgpu/index.js';
    mod = (await import(specifier)) as typeof mod;
  } catch (e) {
    return { unavailable: `the WebGPU engine could not be loaded (${(e as Error).message})` };
  }
  if (!mod.createWebGpuEngine) return { unavailable: 'the WebGPU engine is not built into this version' };
  const r = await mod.createWebGpuEngine(tuning);
  if ('unavailable' in r) return r;
  const engine = r.engine;
  return { engine, software: engine.software === true, dispose: () => engine.dispose?.() };
}

/**
 * Opens the engine of `choice` (the WebGPU engine with `tuning`). With the plan given, a run the GPU's f32 time cannot
 * resolve to the step goes to the CPU engine under `auto` and is refused under `webgpu`.
 */
export async function selectEngine(choice: EngineChoice, plan?: Plan, tuning: GpuTuning = {}): Promise<SelectedEngine> {
  if (choice === 'cpu') return { engine: cpuEngine, dispose: () => {} };
  const timeProblem = plan ? f32TimeProblem(plan) : null;
  if (timeProblem && choice === 'auto') return { engine: cpuEngine, note: `using the CPU engine: ${timeProblem}`, dispose: () => {} };
  if (timeProblem) throw new Error(`the WebGPU engine cannot run this to the step: ${timeProblem}; ${F32_TIME_ADVICE}`);
  const gpu = await tryWebGpu(tuning);
  if ('engine' in gpu && choice === 'auto' && gpu.software) {
    gpu.dispose();
    return { engine: cpuEngine, note: 'using the CPU engine: the only GPU adapter is a software one (SwiftShader), slower than the CPU engine', dispose: () => {} };
  }
  if ('engine' in gpu) return gpu;
  if (choice === 'webgpu') throw new Error(`the WebGPU engine is unavailable: ${gpu.unavailable}`);
  return { engine: cpuEngine, note: `using the CPU engine: ${gpu.unavailable}`, dispose: () => {} };
}

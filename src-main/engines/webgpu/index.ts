/**
 * The WebGPU engine: the plan compiled into a fused WGSL program and run on Dawn (npm
 * `webgpu`), on any Vulkan, Metal or Direct3D 12 GPU. `createWebGpuEngine` opens the device
 * or says in one line why it cannot; `runBatch` runs B copies of one network side by side
 * (a parameter sweep or several seeds), one recording set per copy.
 */
import type { Plan } from '../../compiler/plan.js';
import type { Engine, RunOptions, RunResult } from '../types.js';
import { generateProgram, type Program } from './codegen.js';
import { openGpuDevice, unavailableText, type GpuDevice, type GpuUnavailable } from './device.js';
import { autoShape, runOnDevice, type BatchRunOptions } from './runner.js';
import type { GpuTuning } from './tuning.js';

export type { BatchRunOptions } from './runner.js';
export type { Program } from './codegen.js';
export type { PropagationMode, ScatterMode } from './decisions.js';
export type { GpuTuning } from './tuning.js';

/**
 * What the WebGPU engine makes of a plan, in words (for --explain): kernel shape, the
 * fused groups of a step, how spikes propagate, buffer sizes. Needs no GPU.
 */
export function explainWebGpu(plan: Plan, tuning: GpuTuning = {}): string {
  const threads = Math.max(1, ...plan.blocks.map((b) => b.size), ...plan.projections.flatMap((p) => [p.nPre, p.nPost]));
  // Without a device: what a hardware adapter with 1024 lanes per workgroup would get (list scatter below).
  const shape = tuning.shape && tuning.shape !== 'auto' ? tuning.shape : autoShape(threads, false, 1024);
  const p: Program = generateProgram([plan], {
    workgroupSize: shape === 'grid' ? 128 : 1024,
    shape,
    limits: { maxChunkSteps: Math.max(1, Math.min(plan.steps, 4096)), spikeCapacity: 65536 },
    propagation: tuning.propagation ?? 'auto',
    scatter: tuning.scatter && tuning.scatter !== 'auto' ? tuning.scatter : 'list',
  });
  const L = p.layout;
  const kib = (words: number) => `${((words * 4) / 1024).toFixed(1)} KiB`;
  return [
    `WebGPU program ${p.key.slice(0, 12)} (${shape} shape: ${shape === 'grid' ? 'one dispatch per group and step' : 'one workgroup per copy runs a whole chunk, barriers between groups'})`,
    ...p.groups.map((g) => `  ${g.name} (${g.threads} threads): ${g.parts.join('; ')}`),
    ...[...p.propagation].map(([syn, mode]) => `  ${syn}: spikes propagate by ${mode === 'gather' ? 'gather' : `${p.scatter.get(syn)} scatter with ${mode === 'fixed' ? 'fixed-point' : 'f32'} atomics`}`),
    `  buffers per copy: states ${kib(L.S.size)}, spike rings ${kib(L.IS.size)}, accumulators ${kib(L.ACC.size)}; read-only data ${kib(p.constWords)}`,
  ].join('\n');
}

/** The WebGPU engine on one owned device. */
export class WebGpuEngine implements Engine {
  readonly name = 'webgpu';
  private disposed = false;

  /** @param tuning defaults for every run of this engine (a run's own options win). */
  constructor(readonly gpu: GpuDevice, readonly tuning: GpuTuning = {}) {}

  /**
   * Whether the adapter is a software one (SwiftShader): correct but slower than the CPU
   * engine, so `--engine auto` should prefer the CPU there.
   */
  get software(): boolean {
    return this.gpu.software;
  }

  /** Whether the device was lost (the engine cannot run any more). */
  get lost(): boolean {
    return this.gpu.lostReason !== null;
  }

  /** The adapter in words (vendor, architecture, device). */
  get deviceDescription(): string {
    return this.gpu.description;
  }

  /** The adapter in words, marked when it is a software one (stored with every run). */
  get device(): string {
    return this.gpu.software ? `${this.gpu.description} (software adapter)` : this.gpu.description;
  }

  async run(plan: Plan, options: RunOptions = {}): Promise<RunResult> {
    const opts: BatchRunOptions = {};
    if (options.sink) opts.sinks = [options.sink];
    if (options.onProgress) opts.onProgress = options.onProgress;
    if (options.signal) opts.signal = options.signal;
    const [result] = await this.runBatch([plan], opts);
    return result!;
  }

  /** Runs copies of one network (same structure; parameters and seed may differ) side by side. */
  runBatch(plans: Plan[], options: BatchRunOptions = {}): Promise<RunResult[]> {
    if (this.disposed) return Promise.reject(new Error('the WebGPU engine was disposed'));
    if (plans.length === 0) return Promise.resolve([]);
    return runOnDevice(this.gpu, plans, { ...this.tuning, ...options });
  }

  /** Releases the device; runs still going fail with a device-lost error. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.gpu.dispose();
  }
}

/**
 * Opens the WebGPU engine on the best adapter (high-performance first), or returns why it
 * is unavailable (no GPU, Dawn missing: in words, with the technical detail), for the CPU
 * fallback.
 */
export async function createWebGpuEngine(tuning: GpuTuning = {}): Promise<{ engine: WebGpuEngine } | GpuUnavailable> {
  const gpu = await openGpuDevice();
  if ('unavailable' in gpu) return gpu;
  return { engine: new WebGpuEngine(gpu, tuning) };
}

/**
 * Runs B plans side by side on the GPU; one result (and, through `options.sinks`, one
 * recording set) per copy. Uses `engine` when given, else opens and closes its own.
 */
export async function runBatch(plans: Plan[], options: BatchRunOptions & { engine?: WebGpuEngine } = {}): Promise<RunResult[]> {
  const { engine, ...rest } = options;
  if (engine) return engine.runBatch(plans, rest);
  const created = await createWebGpuEngine();
  if ('unavailable' in created) throw new Error(`the WebGPU engine is unavailable: ${unavailableText(created)}`);
  try {
    return await created.engine.runBatch(plans, rest);
  } finally {
    created.engine.dispose();
  }
}

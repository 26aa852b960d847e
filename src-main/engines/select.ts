/**
 * Picks the engine for a run: `cpu`, `webgpu`, or `auto` (WebGPU on a hardware adapter for
 * all but small models, else the CPU engine with a one-line note). A software adapter
 * (SwiftShader) computes correctly but far slower than the CPU engine, so `auto` passes it
 * over.
 *
 * Notes are for the user ("No GPU found: running on the CPU"); the technical cause goes
 * into `detail`, shown by --explain and in tooltips.
 */
import os from 'node:os';
import type { EngineStatus } from '../../src-shared/api.js';
import type { Plan } from '../compiler/plan.js';
import { cpuEngine } from './cpu/cpu-engine.js';
import type { Engine } from './types.js';
import { unavailableText, type GpuUnavailable } from './webgpu/device.js';
import { F32_TIME_ADVICE, f32TimeProblem } from './webgpu/f32-time.js';
import { describeTuning, type GpuTuning } from './webgpu/tuning.js';

export type EngineChoice = 'cpu' | 'webgpu' | 'auto';

export interface SelectedEngine {
  engine: Engine;
  /** Why the engine is not the one asked for (auto → cpu), in a user's words. */
  note?: string;
  /** The technical cause behind `note` (for --explain and tooltips). */
  detail?: string;
  /** Releases the GPU device, if any. */
  dispose(): void;
}

/** The WebGPU engine opened, or why it cannot be. */
type WebGpuOpened = { engine: Engine & { lost?: boolean }; software: boolean; dispose(): void } | GpuUnavailable;

/** A note for a run moved to the CPU engine: "No GPU found: running on the CPU". */
function onCpuNote(reason: string): string {
  return `${reason.charAt(0).toUpperCase()}${reason.slice(1)}: running on the CPU`;
}

async function tryWebGpu(tuning: GpuTuning): Promise<WebGpuOpened> {
  let mod: { createWebGpuEngine?: (tuning: GpuTuning) => Promise<{ engine: Engine & { software?: boolean; lost?: boolean; dispose?: () => void } } | GpuUnavailable> };
  try {
    // A variable specifier: the WebGPU module (and Dawn) load only when asked for.
    const specifier = './webgpu/index.js';
    mod = (await import(specifier)) as typeof mod;
  } catch (e) {
    return { unavailable: 'the GPU engine could not be loaded', detail: (e as Error).message.split('\n')[0] };
  }
  if (!mod.createWebGpuEngine) return { unavailable: 'the GPU engine is not part of this version' };
  const r = await mod.createWebGpuEngine(tuning);
  if ('unavailable' in r) return r;
  const engine = r.engine;
  return { engine, software: engine.software === true, dispose: () => engine.dispose?.() };
}

/**
 * The WebGPU engine kept open between runs of this process (the app runs many): opening
 * the device and compiling a program cost a GPU 0.1 s or more, and re-running a model
 * reuses its compiled pipelines (the device's cache, keyed by the code). Reopened after the
 * device was lost, closed when unused for a while. Runs with their own tuning (the CLI's
 * --gpu-* options) open their own.
 */
let shared: Promise<WebGpuOpened> | null = null;

/**
 * The kept engine closes after this long with no run holding it: an open device keeps a
 * laptop's discrete GPU powered, and a desktop app should not drain the battery between runs.
 */
let idleMs = 60_000;
let users = 0;
/** Bumped when the kept engine is released: holds of an earlier one no longer count. */
let generation = 0;
let idleTimer: NodeJS.Timeout | undefined;

/** Sets how long the kept engine stays open unused (ms). */
export function setSharedEngineIdle(ms: number): void {
  idleMs = ms;
}

function holdShared(): () => void {
  users++;
  clearTimeout(idleTimer);
  idleTimer = undefined;
  const of = generation;
  let held = true;
  return () => {
    if (!held || of !== generation) return;
    held = false;
    users--;
    if (users > 0) return;
    idleTimer = setTimeout(() => { if (users === 0) void releaseEngines(); }, idleMs);
    idleTimer.unref(); // never what keeps the process alive
  };
}

async function sharedWebGpu(): Promise<WebGpuOpened> {
  if (shared) {
    const held = await shared;
    if (!('engine' in held) || held.engine.lost !== true) return held;
    held.dispose();
  }
  shared = tryWebGpu({});
  const opened = await shared;
  if (!('engine' in opened)) shared = null; // no adapter now: ask again next time
  return opened;
}

/** Closes the WebGPU engine kept between runs (at shutdown, so that the process can end). */
export async function releaseEngines(): Promise<void> {
  clearTimeout(idleTimer);
  idleTimer = undefined;
  generation++;
  users = 0;
  const held = shared;
  shared = null;
  const opened = held ? await held : null;
  if (opened && 'engine' in opened) opened.dispose();
}

/** The WebGPU engine for a run: the shared one, or with `tuning`, a fresh one the caller disposes. */
async function webGpuFor(tuning: GpuTuning): Promise<WebGpuOpened> {
  if (describeTuning(tuning) !== '') return tryWebGpu(tuning);
  const unhold = holdShared();
  const opened = await sharedWebGpu();
  if (!('engine' in opened)) unhold();
  // The caller's dispose() lets go of the shared engine rather than closing it.
  return 'engine' in opened ? { ...opened, dispose: unhold } : opened;
}

/** What `selectEngine` is told about the run, beyond the engine asked for. */
export interface EngineRequest {
  /** The run's plan: `auto` weighs its size, and f32 time is checked against its length. */
  plan?: Plan;
  /** The WebGPU engine's layout (the CLI's --gpu-* options); given, a fresh engine is opened. */
  tuning?: GpuTuning;
  /** Runs of the plan side by side (a sweep): `auto` weighs them together. */
  copies?: number;
  /** Where `webgpu` cannot run: the CPU engine with the reason as note, instead of an error (sweeps). */
  fallback?: boolean;
}

/**
 * Opens the engine of `choice`. With the plan given, a run the GPU's f32 time cannot
 * resolve to the step goes to the CPU engine under `auto` and is refused under `webgpu`
 * (unless `fallback`).
 */
export async function selectEngine(choice: EngineChoice, request: EngineRequest = {}): Promise<SelectedEngine> {
  const { plan, tuning = {}, copies = 1, fallback = false } = request;
  const onCpu = (note: string, detail?: string): SelectedEngine => ({ engine: cpuEngine, note, ...(detail ? { detail } : {}), dispose: () => {} });
  if (choice === 'cpu') return { engine: cpuEngine, dispose: () => {} };
  const timeProblem = plan ? f32TimeProblem(plan) : null;
  if (timeProblem && (choice === 'auto' || fallback)) return onCpu(LONG_RUN_NOTE, timeProblem);
  if (timeProblem) throw new Error(`the WebGPU engine cannot run this to the step: ${timeProblem}; ${F32_TIME_ADVICE}`);
  const gpu = await webGpuFor(tuning);
  if (choice === 'webgpu') {
    if ('engine' in gpu) return gpu;
    if (fallback) return onCpu(onCpuNote(gpu.unavailable), gpu.detail);
    throw new Error(`the WebGPU engine is unavailable: ${unavailableText(gpu)}`);
  }
  const auto = autoChoice(gpu, plan, copies);
  if ('engine' in gpu && auto.engine === 'webgpu') return gpu;
  if ('engine' in gpu) gpu.dispose();
  return auto.note ? onCpu(auto.note, auto.detail) : { engine: cpuEngine, dispose: () => {} };
}

/** The note of a run too long for the GPU's f32 time (the detail says which block and why). */
export const LONG_RUN_NOTE = 'This run is too long to keep exact time on the GPU: running on the CPU';

/**
 * Element updates (steps × elements of every block) below which `auto` keeps a model on the
 * CPU engine even with a GPU: 2e7 take the CPU engine about 0.07 s (COBA: 3.5 ns per neuron
 * and step on this project's 2-core machine), less than a GPU spends preparing a program
 * (shader compilation, buffers: 0.08–0.1 s measured on SwiftShader, similar on drivers),
 * and parameters are compiled into the program, so every edit in live mode would compile
 * anew.
 */
export const AUTO_GPU_MIN_WORK = 2e7;

/** Steps × elements updated per step, the size measure of `auto`. */
export function modelWork(plan: Plan): number {
  return plan.steps * plan.blocks.reduce((n, b) => n + b.size, 0);
}

/** What `auto` takes: the engine, the note in a user's words (null on the GPU) and its technical detail. */
export interface AutoChoice {
  engine: 'cpu' | 'webgpu';
  note: string | null;
  detail?: string;
}

/**
 * What `auto` takes, given what opening the WebGPU engine gave (a run too long for f32
 * time aside): the WebGPU engine on a hardware adapter, unless the model (when given; times
 * `copies` for a sweep) is too small to gain from it; else the CPU engine and why.
 */
export function autoChoice(gpu: { software: boolean } | GpuUnavailable, plan?: Plan, copies = 1): AutoChoice {
  if ('unavailable' in gpu) return { engine: 'cpu', note: onCpuNote(gpu.unavailable), ...(gpu.detail ? { detail: gpu.detail } : {}) };
  if (gpu.software) {
    return {
      engine: 'cpu',
      note: 'Only a software GPU found: running on the CPU, which is faster',
      detail: 'the only GPU adapter is a software one (SwiftShader), slower than the CPU engine',
    };
  }
  const work = plan ? copies * modelWork(plan) : Infinity;
  if (work < AUTO_GPU_MIN_WORK) {
    const what = copies > 1 ? `${copies} copies, ${work.toExponential(1)} element updates` : `${work.toExponential(1)} element updates`;
    return {
      engine: 'cpu',
      note: `${copies > 1 ? 'Small sweep' : 'Small model'}: running on the CPU, which finishes it before a GPU is ready`,
      detail: `${what}, below ${AUTO_GPU_MIN_WORK.toExponential(0)}: the CPU engine finishes before a GPU has prepared its program`,
    };
  }
  return { engine: 'webgpu', note: null };
}

/**
 * Which engines this machine has and on what hardware, before any run: opens the WebGPU
 * engine (Dawn, the best adapter) to read its device, and closes it again. `auto` is what
 * `selectEngine('auto')` picks for a run that f32 time can resolve.
 */
export async function probeEngines(): Promise<EngineStatus> {
  let gpu: WebGpuOpened;
  try {
    gpu = await webGpuFor({}); // the shared engine: the first run finds it open
  } catch (e) {
    gpu = { unavailable: 'the GPU could not be opened', detail: (e as Error).message.split('\n')[0] };
  }
  const auto = autoChoice(gpu);
  if (!('engine' in gpu)) {
    const webgpu = { available: false as const, reason: gpu.unavailable, ...(gpu.detail ? { detail: gpu.detail } : {}) };
    return { cpu: { device: cpuEngine.device, cores: os.availableParallelism() }, webgpu, auto };
  }
  try {
    return { cpu: { device: cpuEngine.device, cores: os.availableParallelism() }, webgpu: { available: true, device: gpu.engine.device, software: gpu.software }, auto };
  } finally {
    gpu.dispose();
  }
}

/**
 * The GPU behind the WebGPU engine: Dawn's Node bindings (npm `webgpu`) loaded on demand,
 * the adapter (high-performance first), one owned device with the limits the engine needs,
 * device-loss and uncaptured-error tracking, and a pipeline cache keyed by a hash of the
 * generated WGSL.
 */
import { findVulkanDrivers } from './vulkan-drivers.js';

/** WebGPU usage flags (numeric values of the spec; avoids depending on globals). */
export const BufferUsage = {
  MAP_READ: 0x0001, MAP_WRITE: 0x0002, COPY_SRC: 0x0004, COPY_DST: 0x0008,
  INDEX: 0x0010, VERTEX: 0x0020, UNIFORM: 0x0040, STORAGE: 0x0080, INDIRECT: 0x0100, QUERY_RESOLVE: 0x0200,
} as const;
export const MapMode = { READ: 0x0001, WRITE: 0x0002 } as const;
export const ShaderStage = { VERTEX: 0x1, FRAGMENT: 0x2, COMPUTE: 0x4 } as const;

/**
 * Why the WebGPU engine has no GPU: `unavailable` in a user's words ("no GPU found"),
 * `detail` the technical cause (for --explain and tooltips).
 */
export interface GpuUnavailable {
  unavailable: string;
  detail?: string;
}

/** The reason where no usable adapter exists. */
export const NO_GPU = 'no GPU found';

/** The reason with its detail, for an error message: "no GPU found (no Vulkan driver is installed …)". */
export function unavailableText(u: GpuUnavailable): string {
  return u.detail ? `${u.unavailable} (${u.detail})` : u.unavailable;
}

/** Pipelines kept per device; the oldest go first beyond this (a long app session compiles many). */
const PIPELINE_CACHE_SIZE = 64;

/** An open device and what the engine keeps about it. */
export class GpuDevice {
  /** Why the device was lost, once it was. */
  lostReason: string | null = null;
  /** Uncaptured errors since the last `takeErrors()`. */
  private errors: string[] = [];
  private readonly pipelines = new Map<string, Promise<GPUComputePipeline>>();
  private readonly modules = new Map<string, GPUShaderModule>();
  private disposed = false;
  readonly layout: GPUBindGroupLayout;
  readonly pipelineLayout: GPUPipelineLayout;

  constructor(readonly adapter: GPUAdapter, readonly device: GPUDevice, readonly description: string) {
    void device.lost.then((info) => {
      if (!this.disposed) this.lostReason = `${info.reason}: ${info.message}`.trim();
    });
    device.onuncapturederror = (e: GPUUncapturedErrorEvent) => { this.errors.push(e.error.message); };
    const storage = (type: GPUBufferBindingType) => ({ visibility: ShaderStage.COMPUTE, buffer: { type } });
    this.layout = device.createBindGroupLayout({
      label: 'spikeflow',
      entries: [
        { binding: 0, ...storage('storage') },
        { binding: 1, ...storage('storage') },
        { binding: 2, ...storage('storage') },
        { binding: 3, ...storage('read-only-storage') },
        { binding: 4, ...storage('storage') },
        { binding: 5, ...storage('storage') },
        { binding: 6, visibility: ShaderStage.COMPUTE, buffer: { type: 'uniform', hasDynamicOffset: true, minBindingSize: 16 } },
        { binding: 7, ...storage('storage') },
      ],
    });
    this.pipelineLayout = device.createPipelineLayout({ bindGroupLayouts: [this.layout] });
  }

  /** A software adapter (SwiftShader, WARP): correct, but no GPU speed. */
  get software(): boolean {
    return this.adapter.info.isFallbackAdapter === true || /swiftshader|llvmpipe|warp/i.test(this.description);
  }

  get limits(): GPUSupportedLimits {
    return this.device.limits;
  }

  /** Throws if the device was lost or reported an error. */
  check(what: string): void {
    if (this.lostReason) throw new Error(`the GPU device was lost ${what}: ${this.lostReason}`);
    const errors = this.takeErrors();
    if (errors.length > 0) throw new Error(`WebGPU error ${what}: ${errors[0]}`);
  }

  takeErrors(): string[] {
    const e = this.errors;
    this.errors = [];
    return e;
  }

  /** Compiles (or takes from the cache) the module of `code`; throws with the compiler's messages. */
  async module(key: string, code: string): Promise<GPUShaderModule> {
    const cached = this.modules.get(key);
    if (cached) return cached;
    this.device.pushErrorScope('validation');
    const module = this.device.createShaderModule({ label: `spikeflow ${key.slice(0, 12)}`, code });
    const info = await module.getCompilationInfo();
    const scopeError = await this.device.popErrorScope();
    const errors = info.messages.filter((m) => m.type === 'error');
    if (errors.length > 0 || scopeError) {
      const lines = code.split('\n');
      const detail = errors.map((m) => `line ${m.lineNum}: ${m.message}\n    ${lines[m.lineNum - 1]?.trim() ?? ''}`).join('\n');
      throw new Error(`internal: the generated WGSL does not compile on this device:\n${detail || scopeError?.message}`);
    }
    this.modules.set(key, module);
    return module;
  }

  /** The compute pipeline of one entry point of a module, cached by (code hash, entry point). */
  pipeline(key: string, code: string, entryPoint: string): Promise<GPUComputePipeline> {
    const k = `${key}:${entryPoint}`;
    let p = this.pipelines.get(k);
    if (!p) {
      p = (async () => {
        const module = await this.module(key, code);
        try {
          return await this.device.createComputePipelineAsync({ label: entryPoint, layout: this.pipelineLayout, compute: { module, entryPoint } });
        } catch (cause) {
          throw new Error(`internal: pipeline "${entryPoint}" could not be created: ${(cause as Error).message}`, { cause });
        }
      })();
      p.catch(() => this.pipelines.delete(k));
      this.pipelines.set(k, p);
      while (this.pipelines.size > PIPELINE_CACHE_SIZE) this.pipelines.delete(this.pipelines.keys().next().value!);
      while (this.modules.size > PIPELINE_CACHE_SIZE) this.modules.delete(this.modules.keys().next().value!);
    } else {
      // Most recently used last.
      this.pipelines.delete(k);
      this.pipelines.set(k, p);
    }
    return p;
  }

  /** Pipelines compiled so far (for tests of the cache). */
  get cachedPipelines(): number {
    return this.pipelines.size;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.pipelines.clear();
    this.modules.clear();
    this.device.destroy();
  }
}

type WebGpuModule = { create(options: string[]): GPU; globals: Record<string, unknown> };

let gpuInstance: GPU | null = null;

/** Loads Dawn and makes the WebGPU globals it expects available (without replacing any). */
async function loadDawn(): Promise<GPU> {
  if (gpuInstance) return gpuInstance;
  const mod = (await import('webgpu')) as unknown as WebGpuModule;
  for (const [k, v] of Object.entries(mod.globals)) {
    if (!(k in globalThis)) (globalThis as Record<string, unknown>)[k] = v;
  }
  // Vulkan's window-system layers complain on stderr when no runtime dir is set (a headless
  // CLI or CI); a private one is harmless, as nothing is ever presented.
  if (!process.env.XDG_RUNTIME_DIR) {
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    process.env.XDG_RUNTIME_DIR = mkdtempSync(join(tmpdir(), 'spikeflow-xdg-'));
  }
  gpuInstance = mod.create([]);
  return gpuInstance;
}

function describe(adapter: GPUAdapter): string {
  const info = adapter.info;
  const parts = [info.vendor, info.architecture, info.device, info.description].filter((x) => x && x.length > 0);
  return parts.length > 0 ? [...new Set(parts)].join(' ') : 'unknown GPU';
}

function firstLine(e: unknown): string {
  return (e as Error).message.split('\n')[0] ?? '';
}

/**
 * Opens a device on the best adapter, or says in one line why there is none.
 * Limits are raised to what the adapter allows where the engine may need more than the
 * defaults (large networks need large storage bindings).
 */
export async function openGpuDevice(): Promise<GpuDevice | GpuUnavailable> {
  // Without a Vulkan driver (Linux) Dawn would only print the loader's failure on stderr.
  const drivers = findVulkanDrivers();
  if (drivers && drivers.found.length === 0) {
    return { unavailable: NO_GPU, detail: `no Vulkan driver is installed: no driver file in ${drivers.searched}` };
  }
  let gpu: GPU;
  try {
    gpu = await loadDawn();
  } catch (e) {
    return { unavailable: 'the GPU runtime could not be loaded', detail: `Dawn (npm webgpu) could not be loaded: ${firstLine(e)}` };
  }
  let adapter: GPUAdapter | null = null;
  try {
    adapter = (await gpu.requestAdapter({ powerPreference: 'high-performance' })) ?? (await gpu.requestAdapter());
  } catch (e) {
    return { unavailable: 'the GPU could not be opened', detail: `requesting a GPU adapter failed: ${firstLine(e)}` };
  }
  if (!adapter) return { unavailable: NO_GPU, detail: 'Dawn sees no Vulkan, Metal or Direct3D 12 adapter' };
  const a = adapter.limits;
  const requiredLimits: Record<string, number> = {
    maxStorageBufferBindingSize: a.maxStorageBufferBindingSize,
    maxBufferSize: a.maxBufferSize,
    maxStorageBuffersPerShaderStage: Math.min(a.maxStorageBuffersPerShaderStage, 8),
    maxComputeWorkgroupsPerDimension: a.maxComputeWorkgroupsPerDimension,
    // The workgroup shape runs a whole copy in one workgroup: as many lanes as the GPU allows.
    maxComputeInvocationsPerWorkgroup: Math.min(a.maxComputeInvocationsPerWorkgroup, 1024),
    maxComputeWorkgroupSizeX: Math.min(a.maxComputeWorkgroupSizeX, 1024),
  };
  let device: GPUDevice;
  try {
    device = await adapter.requestDevice({ label: 'spikeflow', requiredLimits });
  } catch (e) {
    return { unavailable: 'the GPU could not be opened', detail: `the adapter (${describe(adapter)}) refused a device: ${firstLine(e)}` };
  }
  return new GpuDevice(adapter, device, describe(adapter));
}

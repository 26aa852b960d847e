/**
 * The run bar's engine choices in words, from the host's `engineStatus()`: which device
 * each engine would use, what Auto picks, and why WebGPU is unavailable where it is. Labels
 * stay short (a long device name is cut, its whole text goes into the title, with the
 * technical cause of a note); the values stay `auto`, `webgpu` and `cpu`.
 */
import type { EngineName, EngineStatus } from '../../src-shared/api.js';

/** One option of the engine list. */
export interface EngineOption {
  value: EngineName;
  label: string;
  /** Tooltip: the whole device name, Auto's reason, or why WebGPU cannot run. */
  title: string;
  disabled: boolean;
}

/** Longest device name shown in a label before it is cut with "…". */
export const DEVICE_LABEL_CHARS = 24;

const SOFTWARE_SUFFIX = ' (software adapter)';

/** `text` cut to `max` characters with a trailing "…". */
export function shorten(text: string, max = DEVICE_LABEL_CHARS): string {
  return text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`;
}

/** A note in words with its technical cause after it, for a tooltip. */
function withDetail(text: string, detail: string | undefined): string {
  return detail ? `${text} (${detail})` : text;
}

/** A GPU's name for a label: cut short, "(software)" kept in sight for a software adapter. */
function gpuLabel(device: string, software: boolean): string {
  if (!software) return shorten(device);
  const bare = device.endsWith(SOFTWARE_SUFFIX) ? device.slice(0, -SOFTWARE_SUFFIX.length) : device;
  return `${shorten(bare, DEVICE_LABEL_CHARS - 4)} (software)`;
}

/**
 * The engine list: "Auto (CPU)" or "Auto (WebGPU: <device>)", "WebGPU: <device>" or
 * "WebGPU (unavailable)" (disabled), "CPU: <device>". Without a status yet (the host is
 * still looking for a GPU), plain names. Labels start with the engine's name, so typing
 * its first letter in the list picks it.
 */
export function engineOptions(status: EngineStatus | null): EngineOption[] {
  if (!status) {
    return [
      { value: 'auto', label: 'Auto', title: 'WebGPU on a GPU, else the CPU engine (looking for a GPU…)', disabled: false },
      { value: 'webgpu', label: 'WebGPU', title: 'The WebGPU engine', disabled: false },
      { value: 'cpu', label: 'CPU', title: 'The CPU engine', disabled: false },
    ];
  }
  const { cpu, webgpu, auto } = status;
  const cpuTitle = `CPU engine on ${cpu.device} (worker threads: the Threads list)`;
  const gpuTitle = webgpu.available ? `WebGPU engine on ${webgpu.device}` : `WebGPU is unavailable: ${withDetail(webgpu.reason, webgpu.detail)}`;
  const autoGpu = auto.engine === 'webgpu' && webgpu.available;
  return [
    {
      value: 'auto',
      label: autoGpu ? `Auto (WebGPU: ${gpuLabel(webgpu.device, webgpu.software)})` : 'Auto (CPU)',
      title: `Auto: ${autoGpu ? gpuTitle : cpuTitle}${auto.note ? `\n${withDetail(auto.note, auto.detail)}` : ''}`,
      disabled: false,
    },
    webgpu.available
      ? { value: 'webgpu', label: `WebGPU: ${gpuLabel(webgpu.device, webgpu.software)}`, title: gpuTitle, disabled: false }
      : { value: 'webgpu', label: 'WebGPU (unavailable)', title: gpuTitle, disabled: true },
    { value: 'cpu', label: `CPU: ${shorten(cpu.device)}`, title: cpuTitle, disabled: false },
  ];
}

/** A run's engine and device in one line, for the run history ("webgpu on NVIDIA …"). */
export function runEngineText(run: { engine: string; device: string | null }): string {
  return run.device ? `${run.engine} on ${run.device}` : run.engine;
}

/** A choice of the CPU engine's worker threads; 0: the engine's own choice. */
export interface ThreadOption {
  value: number;
  label: string;
}

/**
 * The Threads list of the run bar: Auto (all cores but one, both of two, fewer for a small
 * model), then 1 to the machine's cores.
 */
export function threadOptions(status: EngineStatus | null): ThreadOption[] {
  const cores = Math.max(1, status?.cpu.cores ?? 1);
  return [
    { value: 0, label: 'Threads: auto' },
    ...Array.from({ length: cores }, (_, k) => ({ value: k + 1, label: `${k + 1} thread${k === 0 ? '' : 's'}` })),
  ];
}

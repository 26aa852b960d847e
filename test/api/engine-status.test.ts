/**
 * Engine provenance through the service, over a real lab and the real engines: which
 * engines the machine has and on what device (`engineStatus`, served through the same
 * dispatch as both transports, computed once), `auto` agreeing with the engine a run gets,
 * every stored run (single or sweep copy) carrying its device and engine note, runs stored
 * before devices were kept reading back as null, and the run bar's labels built from the
 * status. The assertions follow what this machine's WebGPU engine reports (SwiftShader
 * here, a hardware GPU or no adapter elsewhere); a child process without a Vulkan driver
 * checks the no-adapter answer everywhere.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EngineStatus, RunInfo } from '../../src-shared/api.js';
import { dispatch } from '../../src-main/api/dispatch.js';
import { cpuEngine, describeCpus } from '../../src-main/engines/cpu/cpu-engine.js';
import { selectEngine } from '../../src-main/engines/select.js';
import { createWebGpuEngine } from '../../src-main/engines/webgpu/index.js';
import { recordRun } from '../../src-main/store/run-recorder.js';
import { compile } from '../../src-main/compiler/compile.js';
import { DEVICE_LABEL_CHARS, engineOptions, shorten } from '../../src-renderer/lib/engine-status.js';
import { runWithoutGpu } from '../helpers/no-gpu.js';
import { makeHarness, type Harness } from './harness.js';


let h: Harness;
beforeEach(() => {
  h = makeHarness();
});
afterEach(async () => {
  await h.close();
});

/** What this machine's WebGPU engine reports when opened directly (then closed). */
async function gpuHere(): Promise<{ device: string; software: boolean } | { unavailable: string; detail?: string }> {
  const r = await createWebGpuEngine();
  if ('unavailable' in r) return r;
  const out = { device: r.engine.device, software: r.engine.software };
  r.engine.dispose();
  return out;
}

async function ampaProject(): Promise<{ doc: unknown; projectId: number }> {
  const doc = await h.service.loadExample('ampa-lif.json');
  const { project } = await h.service.createProject('AMPA', doc);
  return { doc, projectId: project.id };
}

const ended = (r: RunInfo, timeoutMs = 60_000) => h.waitFor('run-ended', (e) => e.id === r.id, timeoutMs);

describe('engineStatus', () => {
  it('names the CPU and the GPU this machine has, and what auto picks, as selectEngine does', async () => {
    const status = await h.service.engineStatus();
    expect(status.cpu.device).toBe(describeCpus());
    expect(status.cpu.device).toMatch(/^\d+ × \S/);

    const gpu = await gpuHere();
    if ('unavailable' in gpu) {
      expect(status.webgpu).toEqual({ available: false, reason: gpu.unavailable, ...(gpu.detail ? { detail: gpu.detail } : {}) });
      expect(status.auto).toMatchObject({ engine: 'cpu', note: `${gpu.unavailable.charAt(0).toUpperCase()}${gpu.unavailable.slice(1)}: running on the CPU` });
    } else {
      expect(status.webgpu).toEqual({ available: true, device: gpu.device, software: gpu.software });
      if (gpu.software) {
        expect(status.webgpu.available && status.webgpu.device).toMatch(/ \(software adapter\)$/);
        expect(status.auto).toEqual({ engine: 'cpu', note: 'Only a software GPU found: running on the CPU, which is faster', detail: expect.stringMatching(/software/) });
      } else {
        expect(status.auto).toEqual({ engine: 'webgpu', note: null });
      }
    }
    const auto = await selectEngine('auto');
    auto.dispose();
    expect({ engine: auto.engine.name, note: auto.note ?? null, ...(auto.detail ? { detail: auto.detail } : {}) }).toEqual(status.auto);

    // Once per service: the same answer, without opening the GPU again.
    expect(h.service.engineStatus()).toBe(h.service.engineStatus());
    expect(await h.service.engineStatus()).toBe(status);
  });

  it('is served through dispatch (both transports) and takes no parameters', async () => {
    const status = await h.service.engineStatus();
    expect(await dispatch(h.service, { id: 4, method: 'engineStatus', params: [] })).toEqual({ id: 4, result: status });
    const bad = await dispatch(h.service, { id: 5, method: 'engineStatus', params: ['cpu'] });
    expect(bad).toMatchObject({ id: 5, error: { message: expect.stringMatching(/^engineStatus: expected no parameters, got 1/) } });
  });

  it('without a GPU adapter: WebGPU unavailable with the reason, auto on the CPU with it', () => {
    const status = runWithoutGpu<EngineStatus>([
      `const { makeHarness } = await import(${JSON.stringify(new URL('./harness.ts', import.meta.url).href)});`,
      'const h = makeHarness();',
      'const status = await h.service.engineStatus();',
      'await h.close();',
      'process.stdout.write(JSON.stringify(status));',
    ]);
    expect(status.cpu.device).toBe(describeCpus());
    expect(status.webgpu).toEqual({ available: false, reason: 'no GPU found', detail: expect.stringMatching(/^no Vulkan driver is installed/) });
    expect(status.auto).toEqual({ engine: 'cpu', note: 'No GPU found: running on the CPU', detail: expect.stringMatching(/^no Vulkan driver is installed/) });
    const labels = engineOptions(status);
    expect(labels.map((o) => [o.value, o.label, o.disabled])).toEqual([
      ['auto', 'Auto (CPU)', false],
      ['webgpu', 'WebGPU (unavailable)', true],
      ['cpu', `CPU: ${shorten(status.cpu.device)}`, false],
    ]);
    expect(labels[1]!.title).toMatch(/^WebGPU is unavailable: no GPU found \(no Vulkan driver is installed/);
    expect(labels[0]!.title).toMatch(/\nNo GPU found: running on the CPU \(no Vulkan driver is installed/);
  }, 90_000);
});

describe('the device of every stored run', () => {
  it('a CPU run records the CPU and no note; getRun and listRuns read them back', async () => {
    const { doc, projectId } = await ampaProject();
    const started = await h.service.startRun({ projectId, document: doc, engine: 'cpu' });
    expect(started).toMatchObject({ engine: 'cpu', device: cpuEngine.device, engineNote: null });
    const end = await ended(started);
    expect(end).toMatchObject({ status: 'finished', engine: 'cpu', device: describeCpus(), engineNote: null });
    expect(await h.service.getRun(started.id)).toEqual(end);
    expect((await h.service.listRuns(projectId))[0]).toEqual(end);
  });

  it('an auto run records the engine and device the status promised, and auto’s note', async () => {
    const status = await h.service.engineStatus();
    const { doc, projectId } = await ampaProject();
    const started = await h.service.startRun({ projectId, document: doc, engine: 'auto' });
    const end = await ended(started);
    const device = status.auto.engine === 'webgpu' && status.webgpu.available ? status.webgpu.device : status.cpu.device;
    expect(end).toMatchObject({ status: 'finished', engine: status.auto.engine, device, engineNote: status.auto.note });
  });

  it('a WebGPU run records the GPU (where an adapter exists)', async () => {
    const status = await h.service.engineStatus();
    if (!status.webgpu.available) return console.warn('no WebGPU adapter; skipped');
    const { doc, projectId } = await ampaProject();
    const started = await h.service.startRun({ projectId, document: doc, engine: 'webgpu', duration: '20 ms' });
    const end = await ended(started);
    expect(end).toMatchObject({ status: 'finished', engine: 'webgpu', device: status.webgpu.device, engineNote: null });
  });

  it('every copy of a sweep records the device and how the sweep ran', async () => {
    const { doc, projectId } = await ampaProject();
    const runs = await h.service.startSweep({ projectId, document: doc, engine: 'cpu', duration: '20 ms', sweep: null, seeds: 2 });
    const ends = await Promise.all(runs.map((r) => ended(r)));
    expect(ends).toHaveLength(2);
    for (const r of ends) {
      expect(r).toMatchObject({ status: 'finished', engine: 'cpu', device: describeCpus(), engineNote: 'using the CPU engine; the 2 copies run one after another' });
    }
  });

  it('a run stored before devices were kept reads back with device and engineNote null', async () => {
    const doc = await h.service.loadExample('ampa-lif.json');
    const recording = recordRun(h.service.lab, { project: 'Old', document: doc, plan: compile(doc), engine: 'cpu', settings: { durationMs: 100 } });
    recording.fail(new Error('stopped for the test'));
    expect(await h.service.getRun(recording.runId)).toMatchObject({ engine: 'cpu', device: null, engineNote: null, message: 'stopped for the test' });
  });
});

describe("the run bar's engine labels", () => {
  it('from this machine’s status: short labels led by the engine’s name, the whole device in the title', async () => {
    const status = await h.service.engineStatus();
    const options = engineOptions(status);
    expect(options.map((o) => o.value)).toEqual(['auto', 'webgpu', 'cpu']);
    const [auto, webgpu, cpu] = options as [typeof options[0], typeof options[0], typeof options[0]];
    expect(cpu).toMatchObject({ label: `CPU: ${shorten(status.cpu.device)}`, disabled: false, title: expect.stringContaining(status.cpu.device) });
    if (status.webgpu.available) {
      expect(webgpu.label).toMatch(status.webgpu.software ? /^WebGPU: .+ \(software\)$/ : /^WebGPU: .+$/);
      expect(webgpu).toMatchObject({ disabled: false, title: `WebGPU engine on ${status.webgpu.device}` });
    } else {
      expect(webgpu).toMatchObject({ label: 'WebGPU (unavailable)', disabled: true, title: expect.stringMatching(/^WebGPU is unavailable: /) });
      expect(webgpu.title).toContain(status.webgpu.reason);
    }
    expect(auto.label).toMatch(status.auto.engine === 'cpu' ? /^Auto \(CPU\)$/ : /^Auto \(WebGPU: .+\)$/);
    if (status.auto.note) expect(auto.title).toContain(status.auto.note);
    for (const o of options) expect(o.label.length).toBeLessThanOrEqual(48);
  });

  it('cuts a long device name and keeps a software adapter marked', () => {
    const name = 'nvidia hopper NVIDIA H100 80GB HBM3 with a very long driver description';
    const hw: EngineStatus = { cpu: { device: '64 × AMD EPYC 9654 96-Core Processor' }, webgpu: { available: true, device: name, software: false }, auto: { engine: 'webgpu', note: null } };
    const [auto, webgpu, cpu] = engineOptions(hw);
    expect(webgpu!.label).toBe(`WebGPU: ${name.slice(0, DEVICE_LABEL_CHARS - 1)}…`);
    expect(webgpu!.title).toBe(`WebGPU engine on ${name}`);
    expect(auto!.label).toBe(`Auto (WebGPU: ${name.slice(0, DEVICE_LABEL_CHARS - 1)}…)`);
    expect(cpu!.label).toBe('CPU: 64 × AMD EPYC 9654 96-C…');
    const sw: EngineStatus = {
      cpu: { device: '2 × CPU' },
      webgpu: { available: true, device: 'google swiftshader swiftshader-device-subzero- SwiftShader driver 5.0.0 (software adapter)', software: true },
      auto: { engine: 'cpu', note: 'Only a software GPU found: running on the CPU, which is faster', detail: 'the only GPU adapter is a software one' },
    };
    const [swAuto, swGpu] = engineOptions(sw);
    expect(swGpu!.label).toBe('WebGPU: google swiftshader… (software)');
    expect(swAuto).toMatchObject({
      label: 'Auto (CPU)',
      title: 'Auto: CPU engine on 2 × CPU (worker threads: the Threads list)\nOnly a software GPU found: running on the CPU, which is faster (the only GPU adapter is a software one)',
    });
    expect(engineOptions(null).map((o) => o.label)).toEqual(['Auto', 'WebGPU', 'CPU']);
  });
});

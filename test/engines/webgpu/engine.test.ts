/**
 * The WebGPU engine as an engine: the CPU fallback's one-line reason without an adapter,
 * progress and cancellation, NaN detection, device loss, the pipeline cache, the batch path
 * (seeds and parameter sweeps, one recording per copy), both propagation modes, and
 * recovery from a spike list that outgrows its buffer.
 */
import { runWithoutGpu } from '../../helpers/no-gpu.js';
import { existsSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { compile } from '../../../src-main/compiler/compile.js';
import type { Plan } from '../../../src-main/compiler/plan.js';
import { Simulation } from '../../../src-main/engines/cpu/simulation.js';
import { NonFiniteStateError, type Progress, type RecordingChunk } from '../../../src-main/engines/types.js';
import { parseDocument } from '../../../src-shared/document/load.js';
import type { ProjectDocument } from '../../../src-shared/document/schema.js';

const SWIFTSHADER = '/usr/lib/chromium/vk_swiftshader_icd.json';
if (!process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER)) process.env.VK_ICD_FILENAMES = SWIFTSHADER;
const { createWebGpuEngine, runBatch } = await import('../../../src-main/engines/webgpu/index.js');
type WebGpuEngine = import('../../../src-main/engines/webgpu/index.js').WebGpuEngine;
type Program = import('../../../src-main/engines/webgpu/index.js').Program;

type B = { id: string; type: string; size?: number; params?: Record<string, unknown>; init?: Record<string, unknown>; connection?: Record<string, unknown> };
function doc(blocks: B[], edges: string[], run: { duration?: string; seed?: number } = {}): ProjectDocument {
  return parseDocument({
    format: 'spikeflow-project', version: 2, name: 'engine test',
    run: { dt: '0.1 ms', duration: run.duration ?? '30 ms', seed: run.seed ?? 1 },
    blocks,
    edges: edges.map((e) => { const [from, to] = e.split('->') as [string, string]; return { from, to }; }),
  });
}

/** Poisson drive → exponential synapse → LIF, with every kind of probe. */
function poissonNet(rate = '400 Hz', duration = '30 ms', tau = '5 ms'): ProjectDocument {
  return doc([
    { id: 'src', type: 'poisson', size: 40, params: { rate } },
    { id: 'syn', type: 'exponential', params: { tau, output: 'current' }, connection: { rule: 'fixed-probability', p: 0.5, weight: { dist: 'uniform', low: '0.5 nA', high: '2 nA' } } },
    { id: 'cell', type: 'lif', size: 8, params: { tau: '10 ms', tau_ref: '1 ms' } },
    { id: 'v', type: 'state-probe', params: { state: 'V', neurons: [0, 3, 7] } },
    { id: 'sp', type: 'spike-probe' },
    { id: 'sp_src', type: 'spike-probe', params: { neurons: [1, 5, 9] } },
    { id: 'rate', type: 'rate-probe', params: { bin: '2 ms' } },
  ], ['src.spikes->syn.pre', 'syn.post->cell.I', 'cell.V->v.target', 'cell.spikes->sp.spikes', 'src.spikes->sp_src.spikes', 'cell.spikes->rate.spikes'], { duration });
}

function spikesOf(chunks: RecordingChunk[], probe: string): Array<[number, number]> {
  return chunks.flatMap((c) => (c.kind === 'spikes' && c.probe === probe ? Array.from(c.steps, (s, k) => [s, c.neurons[k]!] as [number, number]) : []));
}
function traceOf(chunks: RecordingChunk[], probe: string): number[] {
  return chunks.flatMap((c) => (c.kind === 'state' && c.probe === probe ? [...c.values] : []));
}
function cpuRun(plan: Plan): { chunks: RecordingChunk[]; sim: Simulation } {
  const sim = new Simulation(plan);
  sim.advance(plan.steps);
  return { chunks: sim.drain(), sim };
}
function expectSameRecording(plan: Plan, cpu: RecordingChunk[], gpu: RecordingChunk[], label: string): void {
  for (const p of plan.probes) {
    if (p.kind === 'spikes') expect(spikesOf(gpu, p.id), `${label}: ${p.id}`).toEqual(spikesOf(cpu, p.id));
    if (p.kind === 'rate') {
      const r = (cs: RecordingChunk[]) => cs.flatMap((c) => (c.kind === 'rate' && c.probe === p.id ? [...c.values] : []));
      expect(r(gpu), `${label}: ${p.id}`).toEqual(r(cpu));
    }
    if (p.kind === 'state') {
      const a = traceOf(cpu, p.id), b = traceOf(gpu, p.id);
      expect(b.length, `${label}: ${p.id} samples`).toBe(a.length);
      const scale = a.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
      a.forEach((x, k) => expect(Math.abs(x - b[k]!), `${label}: ${p.id} value ${k}`).toBeLessThanOrEqual(1e-4 * scale));
    }
  }
}
const collector = () => {
  const chunks: RecordingChunk[] = [];
  return { chunks, sink: { write: (c: RecordingChunk) => { chunks.push(c); } } };
};

describe('engine availability', () => {
  it('without an adapter, says why in one line and does not throw', () => {
    const r = runWithoutGpu<{ unavailable?: string; detail?: string }>([
      `const { createWebGpuEngine } = await import(${JSON.stringify(new URL('../../../src-main/engines/webgpu/index.ts', import.meta.url).href)});`,
      'const r = await createWebGpuEngine();',
      "process.stdout.write(JSON.stringify(r));",
      "if ('engine' in r) r.engine.dispose();",
    ]);
    expect(r.unavailable).toBe('no GPU found');
    expect(r.detail).toMatch(/^no Vulkan driver is installed: no driver file in VK_DRIVER_FILES=/);
    expect(r.detail).not.toContain('\n');
  });
});

describe('the WebGPU engine', async () => {
  let created = await createWebGpuEngine();
  let engine: WebGpuEngine | null = 'engine' in created ? created.engine : null;
  afterAll(() => engine?.dispose());
  const gpuIt = it.skipIf(!engine);

  gpuIt('reports progress, finishes, and names itself', async () => {
    const plan = compile(poissonNet());
    const progress: Progress[] = [];
    const { chunks, sink } = collector();
    const r = await engine!.run(plan, { sink, onProgress: (p) => progress.push(p) });
    expect(r).toMatchObject({ status: 'finished', stepsDone: plan.steps, engine: 'webgpu' });
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.at(-1)!.step).toBe(plan.steps);
    progress.slice(1).forEach((p, k) => expect(p.step).toBeGreaterThan(progress[k]!.step));
    expectSameRecording(plan, cpuRun(plan).chunks, chunks, 'poisson net');
  });

  gpuIt('stops between chunks when cancelled; what was recorded matches the CPU up to there', async () => {
    const plan = compile(poissonNet('400 Hz', '2000 ms'));
    const controller = new AbortController();
    const { chunks, sink } = collector();
    const r = await engine!.runBatch([plan], { sinks: [sink], signal: controller.signal, firstChunkSteps: 50, maxChunkSteps: 50, onProgress: () => controller.abort() });
    expect(r[0]!.status).toBe('cancelled');
    expect(r[0]!.stepsDone).toBeGreaterThan(0);
    expect(r[0]!.stepsDone).toBeLessThan(plan.steps);
    const sim = new Simulation(plan);
    sim.advance(r[0]!.stepsDone);
    const cpu = sim.drain();
    expect(spikesOf(chunks, 'sp')).toEqual(spikesOf(cpu, 'sp'));
    expect(traceOf(chunks, 'v').length).toBe(traceOf(cpu, 'v').length);
    expect(r[0]!.populations).toEqual(sim.summary());
  });

  gpuIt('stops with NonFiniteStateError naming the block and state', async () => {
    const plan = compile(doc([
      { id: 'drive', type: 'constant-current', params: { amplitude: '1e30 nA', start: '1 ms' } },
      { id: 'cell', type: 'lif', size: 4, params: { R: '1e30 Mohm' } },
    ], ['drive.I->cell.I'], { duration: '5 ms' }));
    const err = await engine!.run(plan).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NonFiniteStateError);
    expect(err).toMatchObject({ block: 'cell', state: 'V', neuron: 0 });
  });

  gpuIt('caches pipelines by the hash of the generated code', async () => {
    const plan = compile(poissonNet());
    const programs: Program[] = [];
    await engine!.runBatch([plan], { onProgram: (p) => programs.push(p) });
    const cached = engine!.gpu.cachedPipelines;
    await engine!.runBatch([plan], { onProgram: (p) => programs.push(p) });
    expect(engine!.gpu.cachedPipelines).toBe(cached);
    expect(programs[1]!.key).toBe(programs[0]!.key);
    expect(programs[0]!.key).toMatch(/^[0-9a-f]{64}$/);
  });

  gpuIt('runs copies side by side: seeds and a parameter sweep, each equal to its own run', async () => {
    const base = poissonNet('300 Hz', '20 ms');
    const plans = [1, 2, 3].map((seed) => compile(base, { seed }));
    const swept = ['3 ms', '8 ms'].map((tau) => compile(poissonNet('300 Hz', '20 ms', tau)));
    for (const [label, batch] of [['seeds', plans], ['sweep', swept]] as const) {
      for (const shape of ['workgroup', 'grid'] as const) {
        const sinks = batch.map(() => collector());
        let program: Program | null = null;
        const results = await engine!.runBatch(batch, { sinks: sinks.map((s) => s.sink), shape, onProgram: (p) => { program = p; } });
        expect(program!.copies).toBe(batch.length);
        expect(program!.code).toMatch(/lit_[fu]\(\d+u\)/); // what differs is tabled, not folded
        batch.forEach((plan, c) => {
          const cpu = cpuRun(plan);
          expectSameRecording(plan, cpu.chunks, sinks[c]!.chunks, `${label} copy ${c} (${shape})`);
          expect(results[c]!.populations).toEqual(cpu.sim.summary());
        });
        expect(spikesOf(sinks[0]!.chunks, 'sp')).not.toEqual(spikesOf(sinks[1]!.chunks, 'sp'));
      }
    }
  });

  gpuIt('refuses a batch whose copies differ in structure, naming the copy', async () => {
    const a = compile(poissonNet());
    const b = compile(poissonNet('400 Hz', '40 ms'));
    await expect(engine!.runBatch([a, b])).rejects.toThrow(/batch copy 1 .*differs in structure/);
  });

  gpuIt('propagates spikes alike by gather, and by scatter (list or scan, fixed-point or f32 atomics)', async () => {
    // Feed-forward (lag 0) and recurrent with a delay (lag 16: ring slots), both shapes.
    const recurrent = doc([
      { id: 'src', type: 'poisson', size: 20, params: { rate: '200 Hz' } },
      { id: 'in', type: 'exponential', params: { tau: '3 ms', output: 'current' }, connection: { rule: 'all-to-all', weight: '1.5 nA' } },
      { id: 'cell', type: 'lif', size: 12, params: { tau: '10 ms', tau_ref: '1 ms' } },
      { id: 'rec', type: 'alpha', params: { tau: '2 ms' }, connection: { rule: 'fixed-probability', p: 0.4, weight: '0.05 uS', delay: '1.5 ms' } },
      { id: 'sp', type: 'spike-probe' },
      { id: 'h', type: 'state-probe', params: { state: 'h' } },
    ], ['src.spikes->in.pre', 'in.post->cell.I', 'cell.spikes->rec.pre', 'rec.post->cell.I', 'cell.spikes->sp.spikes', 'rec.post->h.target'], { duration: '40 ms' });
    for (const [label, d] of [['feed-forward', poissonNet('500 Hz')], ['recurrent', recurrent]] as const) {
      const plan = compile(d);
      const cpu = cpuRun(plan);
      expect(spikesOf(cpu.chunks, 'sp').length, label).toBeGreaterThan(5);
      const modes = [['gather', 'list'], ['fixed', 'list'], ['fixed', 'scan'], ['float', 'list'], ['float', 'scan']] as const;
      for (const [propagation, scatter] of modes) {
        for (const shape of ['grid', 'workgroup'] as const) {
          const { chunks, sink } = collector();
          let program: Program | null = null;
          await engine!.runBatch([plan], { sinks: [sink], propagation, scatter, shape, onProgram: (p) => { program = p; } });
          for (const [syn, mode] of program!.propagation) expect(mode, syn).toBe(propagation);
          expectSameRecording(plan, cpu.chunks, chunks, `${label}, ${propagation}/${scatter}/${shape}`);
        }
      }
    }
  });

  gpuIt('re-runs a chunk whose spike list overflowed, losing nothing', async () => {
    // 1000 neurons firing every step: 100 000 spikes per 100 steps, more than the list holds.
    const plan = compile(doc([
      { id: 'clock', type: 'regular', size: 1000, params: { period: '0.1 ms' } },
      { id: 'syn', type: 'exponential', params: { tau: '2 ms', output: 'current' }, connection: { rule: 'fixed-probability', p: 0.01, weight: '0.1 nA', delay: '0.3 ms' } },
      { id: 'cell', type: 'lif', size: 4 },
      { id: 'sp', type: 'spike-probe' },
      { id: 'v', type: 'state-probe', params: { state: 'V' } },
      { id: 'rate', type: 'rate-probe', params: { bin: '1 ms' } },
    ], ['clock.spikes->sp.spikes', 'clock.spikes->rate.spikes', 'clock.spikes->syn.pre', 'syn.post->cell.I', 'cell.V->v.target'], { duration: '30 ms' }));
    const { chunks, sink } = collector();
    // A spike list for the synapse too: its counters are part of the snapshot. The first
    // chunk (100 steps, 100 000 spikes) overflows the 65 536-entry list whatever the timing.
    let reruns = 0;
    const [r] = await engine!.runBatch([plan], { sinks: [sink], firstChunkSteps: 100, scatter: 'list', onTiming: (t) => { reruns = t.reruns; } });
    expect(reruns).toBeGreaterThan(0);
    const spikes = spikesOf(chunks, 'sp');
    expect(spikes.length).toBe(1000 * plan.steps);
    const cpu = cpuRun(plan).chunks;
    expect(spikes).toEqual(spikesOf(cpu, 'sp'));
    expectSameRecording(plan, cpu, chunks, 'overflow');
    expect(r!.populations[0]!.spikes).toBe(1000 * plan.steps);
  });

  gpuIt('fails the run with a clear error when the device is lost, and a new engine works after', async () => {
    const plan = compile(poissonNet('400 Hz', '5000 ms'));
    const run = engine!.runBatch([plan], { firstChunkSteps: 20, maxChunkSteps: 20, onProgress: () => engine!.gpu.device.destroy() });
    await expect(run).rejects.toThrow(/GPU device was lost/);
    engine!.dispose();
    created = await createWebGpuEngine();
    engine = 'engine' in created ? created.engine : null;
    expect(engine).not.toBeNull();
    const r = await runBatch([compile(poissonNet())], { engine: engine! });
    expect(r[0]!.status).toBe('finished');
  });
});

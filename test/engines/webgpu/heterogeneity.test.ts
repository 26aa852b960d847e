/**
 * Per-neuron parameters on the WebGPU engine (Dawn; SwiftShader without a GPU): a
 * heterogeneous Izhikevich population (Izhikevich 2003's r-expressions) spikes on the same
 * steps as on the CPU engine, and each neuron computes exactly what the same neuron with
 * its values as constants computes on the GPU (each per-element value is the f32 of the
 * host's double, as a folded literal is).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateProgram } from '../../../src-main/engines/webgpu/codegen.js';
import { parseDocument } from '../../../src-shared/document/load.js';
import type { ProjectDocument } from '../../../src-shared/document/schema.js';
import { EXAMPLES } from '../../helpers/cli.js';
import { afterAll, describe, expect, it } from 'vitest';
import { blockDef } from '../../../kernels/index.js';
import { compile } from '../../../src-main/compiler/compile.js';
import type { Plan } from '../../../src-main/compiler/plan.js';
import { Simulation } from '../../../src-main/engines/cpu/simulation.js';
import type { RecordingChunk } from '../../../src-main/engines/types.js';
import { collectChunks, makeDoc } from '../../helpers/doc.js';

const SWIFTSHADER = '/usr/lib/chromium/vk_swiftshader_icd.json';
if (!process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER)) process.env.VK_ICD_FILENAMES = SWIFTSHADER;
const { createWebGpuEngine } = await import('../../../src-main/engines/webgpu/index.js');

const IZHIKEVICH_2003 = {
  a: { expr: '0.02/ms + 0.08/ms * r' },
  b: { expr: '0.25/ms - 0.05/ms * r' },
  c: { expr: '-65 mV + 15 mV * r^2' },
  d: { expr: '8 mV/ms - 6 mV/ms * r^2' },
};

/**
 * 100 ms: the GPU steps the Izhikevich membrane in f32, the CPU in f64, and forward Euler of
 * v² lets the two drift apart by a step in some spike after about 105 ms in this network
 * (as with constant parameters); within that window every spike must agree.
 */
function network(params: Record<string, unknown>, size: number, withPoisson: boolean) {
  return makeDoc([
    { id: 'drive', type: 'constant-current', params: { amplitude: '6 nA' } },
    ...(withPoisson ? [
      { id: 'noise', type: 'poisson', size: 50, params: { rate: { expr: '20 Hz + 10 Hz * r' } } },
      { id: 'syn', type: 'exponential', params: { tau: '2 ms', output: 'current' }, connection: { rule: 'fixed-probability', p: 0.2, weight: { dist: 'uniform', low: '0 nA', high: '4 nA' } } },
    ] : []),
    { id: 'pop', type: 'izhikevich', size, params },
    { id: 'v', type: 'state-probe', params: { state: 'v' } },
    { id: 'sp', type: 'spike-probe' },
  ], [
    'drive.I->pop.I', 'pop.v->v.target', 'pop.spikes->sp.spikes',
    ...(withPoisson ? ['noise.spikes->syn.pre', 'syn.post->pop.I'] : []),
  ], { duration: '100 ms', seed: 9 });
}

describe('heterogeneous populations on the WebGPU engine', async () => {
  const created = await createWebGpuEngine();
  const engine = 'engine' in created ? created.engine : null;
  afterAll(() => engine?.dispose());

  const gpuRun = async (plan: Plan, shape: 'grid' | 'workgroup') => {
    const chunks: RecordingChunk[] = [];
    await engine!.runBatch([plan], { sinks: [{ write: (c: RecordingChunk) => { chunks.push(c); } }], shape, firstChunkSteps: 37 });
    return collectChunks(chunks);
  };

  it.skipIf(!engine)('Izhikevich (2003) parameters drawn per neuron: the same spikes as the CPU engine, in both kernel shapes', async () => {
    const plan = compile(network(IZHIKEVICH_2003, 200, true));
    expect(Object.keys(plan.blocks.find((b) => b.id === 'pop')!.varying!).sort()).toEqual(['a', 'b', 'c', 'd']);
    expect(plan.blocks.find((b) => b.id === 'noise')!.varying!.rate).toBeDefined();
    const sim = new Simulation(plan);
    sim.advance(plan.steps);
    const cpu = collectChunks(sim.drain()).spikes.get('sp')!;
    expect(cpu.length).toBeGreaterThan(800);
    expect(new Set(cpu.map(([, n]) => n)).size).toBeGreaterThan(150);
    for (const shape of ['grid', 'workgroup'] as const) {
      const gpu = (await gpuRun(plan, shape)).spikes.get('sp')!;
      // Within a step the GPU lists spikes in the order its threads record them.
      const key = (x: [number, number][]) => x.map(([s, n]) => s * 1e6 + n).sort((a, b) => a - b);
      expect(key(gpu), shape).toEqual(key(cpu));
    }
  });

  it.skipIf(!engine)('a neuron with per-element parameters computes on the GPU what the neuron with constants computes, bit for bit', async () => {
    const plan = compile(network(IZHIKEVICH_2003, 16, false));
    const varying = plan.blocks.find((b) => b.id === 'pop')!.varying!;
    const het = await gpuRun(plan, 'grid');
    for (const k of [0, 9]) {
      const one = await gpuRun(compile(network(Object.fromEntries(Object.keys(IZHIKEVICH_2003).map((n) => [n, varying[n]![k]!])), 1, false)), 'grid');
      expect(het.traces.get('v')![k], `neuron ${k}`).toEqual(one.traces.get('v')![0]);
      expect(het.traces.get('v')![k]!.length).toBe(plan.steps + 1);
    }
  });

  it('the examples keep the fast path: constant expressions and zero-width distributions print the same WGSL', () => {
    const wgsl = (d: ProjectDocument) => generateProgram([compile(d)], { workgroupSize: 64, shape: 'grid', limits: { maxChunkSteps: 128, spikeCapacity: 4096 } }).code;
    let total = 0;
    for (const f of readdirSync(EXAMPLES).filter((x) => x.endsWith('.json'))) {
      const raw = JSON.parse(readFileSync(join(EXAMPLES, f), 'utf8')) as ProjectDocument;
      const rewritten = structuredClone(raw);
      for (const b of rewritten.blocks) {
        if (b.size === undefined) continue;
        for (const [name, v] of Object.entries(b.params ?? {})) {
          if (typeof v !== 'string' || blockDef(b.type)?.params[name]?.kind !== 'quantity' || !/\d\s*[A-Za-zµΩ]/.test(v)) continue;
          b.params[name] = total++ % 2 === 0 ? { expr: v } : { dist: 'uniform', low: v, high: v };
        }
      }
      expect(wgsl(parseDocument(rewritten)), f).toBe(wgsl(parseDocument(raw)));
    }
    expect(total).toBeGreaterThan(20);
  });

  it.skipIf(!engine)('delays per connection (drawn, and shared r with the weights): the same spikes and arrivals as the CPU engine', async () => {
    const plan = compile(makeDoc([
      { id: 'src', type: 'poisson', size: 40, params: { rate: '60 Hz' } },
      {
        id: 'syn', type: 'exponential', params: { tau: '3 ms', output: 'current' },
        connection: { rule: 'fixed-probability', p: 0.3, weight: { expr: '2 nA + 4 nA * r' }, delay: { expr: '0.2 ms + 3 ms * r' } },
      },
      { id: 'post', type: 'lif', size: 25, params: { V_rest: '-60 mV', V_th: '-55 mV', V_reset: '-60 mV' } },
      { id: 'sp', type: 'spike-probe' },
      { id: 'g', type: 'state-probe', params: { state: 'g' } },
    ], ['src.spikes->syn.pre', 'syn.post->post.I', 'post.spikes->sp.spikes', 'syn.post->g.target'], { duration: '200 ms', seed: 2 }));
    expect(plan.projections[0]!.maxLag).toBeGreaterThan(plan.projections[0]!.lag);
    const sim = new Simulation(plan);
    sim.advance(plan.steps);
    const key = (x: [number, number][]) => x.map(([s, n]) => s * 1e6 + n).sort((a, b) => a - b);
    // g only decays between arrivals: the steps where it grows are the arrivals.
    const arrivals = (g: number[][]) => g.map((t) => t.flatMap((x, s) => (s > 0 && x > t[s - 1]! ? [s] : [])));
    const cpuOut = collectChunks(sim.drain());
    const cpu = key(cpuOut.spikes.get('sp')!);
    expect(cpu.length).toBeGreaterThan(100);
    for (const shape of ['grid', 'workgroup'] as const) {
      const gpu = await gpuRun(plan, shape);
      expect(key(gpu.spikes.get('sp')!), shape).toEqual(cpu);
      expect(arrivals(gpu.traces.get('g')!), shape).toEqual(arrivals(cpuOut.traces.get('g')!));
    }
  });

  it.skipIf(!engine)('a batch of seeds: each copy reads its own per-neuron values and lags, and spikes as on the CPU engine', async () => {
    const doc = (seed: number) => makeDoc([
      { id: 'drive', type: 'constant-current', params: { amplitude: '6 nA' } },
      { id: 'src', type: 'poisson', size: 30, params: { rate: { expr: '30 Hz + 30 Hz * r' } } },
      { id: 'syn', type: 'exponential', params: { output: 'current', tau: '2 ms' }, connection: { rule: 'fixed-probability', p: 0.3, weight: { expr: '3 nA * r' }, delay: { dist: 'uniform', low: '0 ms', high: '3 ms' } } },
      { id: 'pop', type: 'izhikevich', size: 50, params: IZHIKEVICH_2003 },
      { id: 'sp', type: 'spike-probe' },
    ], ['drive.I->pop.I', 'src.spikes->syn.pre', 'syn.post->pop.I', 'pop.spikes->sp.spikes'], { duration: '60 ms', seed });
    const plans = [compile(doc(1)), compile(doc(2))];
    const chunks: RecordingChunk[][] = [[], []];
    await engine!.runBatch(plans, { sinks: chunks.map((list) => ({ write: (c: RecordingChunk) => { list.push(c); } })) });
    const key = (x: [number, number][]) => x.map(([s, n]) => s * 1e6 + n).sort((a, b) => a - b);
    const cpu = plans.map((plan) => {
      const sim = new Simulation(plan);
      sim.advance(plan.steps);
      return key(collectChunks(sim.drain()).spikes.get('sp')!);
    });
    expect(cpu[0]).not.toEqual(cpu[1]);
    plans.forEach((_, c) => expect(key(collectChunks(chunks[c]!).spikes.get('sp')!), `copy ${c}`).toEqual(cpu[c]));
  });
});


/**
 * Noise, Poisson drive and voltage jumps on the WebGPU engine (SwiftShader), beside the CPU
 * engine: what is deterministic (delta synapses from a spike schedule, their refractory
 * drops) runs to the same spikes and, within f32, the same traces; what is random runs from
 * the same counter-based draws but in f32 (normal deviates, binomial inversion), so it is
 * compared with the closed forms the CPU tests use (test/kernels/currents/*): white-noise
 * membrane variance, Ornstein–Uhlenbeck variance, Poisson-drive count mean and Fano factor.
 */
import { existsSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { compile } from '../../../src-main/compiler/compile.js';
import { Simulation } from '../../../src-main/engines/cpu/simulation.js';
import type { RecordingChunk } from '../../../src-main/engines/types.js';
import { collectChunks, makeDoc } from '../../helpers/doc.js';
import type { ProjectDocument } from '../../../src-shared/document/schema.js';

const SWIFTSHADER = '/usr/lib/chromium/vk_swiftshader_icd.json';
if (!process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER)) process.env.VK_ICD_FILENAMES = SWIFTSHADER;
const { createWebGpuEngine } = await import('../../../src-main/engines/webgpu/index.js');

const mean = (x: number[]) => x.reduce((a, b) => a + b, 0) / x.length;
const variance = (x: number[]) => { const m = mean(x); return x.reduce((a, b) => a + (b - m) ** 2, 0) / (x.length - 1); };

describe('noise, drive and jumps on the WebGPU engine', async () => {
  const created = await createWebGpuEngine();
  const engine = 'engine' in created ? created.engine : null;
  afterAll(() => engine?.dispose());

  async function both(doc: ProjectDocument) {
    const plan = compile(doc);
    const sim = new Simulation(plan);
    sim.advance(plan.steps);
    const cpu = collectChunks(sim.drain());
    const chunks: RecordingChunk[] = [];
    await engine!.runBatch([plan], { sinks: [{ write: (c: RecordingChunk) => { chunks.push(c); } }], shape: 'grid' });
    return { cpu, gpu: collectChunks(chunks) };
  }

  it.skipIf(!engine)('delta synapses: the same spikes and traces as the CPU engine, refractory drops included', async () => {
    const spikes = Array.from({ length: 60 }, (_, q) => [q % 4, `${(q * 0.37) % 40} ms`]);
    const { cpu, gpu } = await both(makeDoc([
      { id: 'src', type: 'spike-times', size: 4, params: { spikes } },
      { id: 'syn', type: 'delta', connection: { rule: 'fixed-probability', p: 0.6, weight: { dist: 'uniform', low: '3 mV', high: '9 mV' }, delay: '0.8 ms' } },
      { id: 'cell', type: 'lif', size: 6, params: { tau_ref: '1.5 ms' } },
      { id: 'V', type: 'state-probe', params: { state: 'V' } },
      { id: 'sp', type: 'spike-probe' },
    ], ['src.spikes -> syn.pre', 'syn.post -> cell.J', 'cell.V -> V.target', 'cell.spikes -> sp.spikes'], { duration: '45 ms', seed: 2 }));
    expect(cpu.spikes.get('sp')!.length).toBeGreaterThan(10);
    expect(gpu.spikes.get('sp')).toEqual(cpu.spikes.get('sp'));
    cpu.traces.get('V')!.forEach((ch, n) => ch.forEach((x, s) => expect(Math.abs(gpu.traces.get('V')![n]![s]! - x), `neuron ${n} sample ${s}`).toBeLessThan(1e-3)));
  });

  it.skipIf(!engine)('white noise: the membrane variance of the closed form', async () => {
    const N = 2000;
    const { gpu } = await both(makeDoc([
      { id: 'noise', type: 'white-noise-current', params: { sigma: '2 nA*ms^0.5' } },
      { id: 'cell', type: 'lif', size: N, params: { V_th: '1e9 mV', R: '2 Mohm', tau: '10 ms', tau_ref: '0 ms' } },
      { id: 'V', type: 'state-probe', params: { state: 'V', interval: '100 ms' } },
    ], ['noise.I -> cell.I', 'cell.V -> V.target'], { duration: '200 ms', seed: 11 }));
    const a = Math.exp(-0.01);
    const exact = ((1 - a) / (1 + a)) * 4 * 4 / 0.1;
    const end = gpu.traces.get('V')!.map((ch) => ch[2]!);
    expect(Math.abs(variance(end) / exact - 1)).toBeLessThan(4 * Math.sqrt(2 / (N - 1)));
  });

  it.skipIf(!engine)('Ornstein–Uhlenbeck: the stationary variance sigma²', async () => {
    const N = 1000;
    const { gpu } = await both(makeDoc([
      { id: 'ou', type: 'ou-current', params: { sigma: '3 nA', tau: '2 ms' } },
      { id: 'cell', type: 'lif', size: N, params: { V_th: '1e9 mV' } },
      { id: 'I', type: 'state-probe', params: { state: 'I', interval: '30 ms' } },
    ], ['ou.I -> cell.I', 'ou.I -> I.target'], { duration: '30 ms', seed: 5 }));
    const end = gpu.traces.get('I')!.map((ch) => ch[1]!);
    expect(Math.abs(variance(end) / 9 - 1)).toBeLessThan(4 * Math.sqrt(2 / (N - 1)));
  });

  it.skipIf(!engine)('Poisson drive: count mean K·p·n and Fano factor 1 − p, as on the CPU engine', async () => {
    const [N, K, p, steps, w] = [500, 1000, 0.002, 200, 0.25];
    const { cpu, gpu } = await both(makeDoc([
      { id: 'drive', type: 'poisson-input', params: { K, rate: '20 Hz', w: `${w} mV` } },
      { id: 'cell', type: 'lif', size: N, params: { V_rest: '0 mV', V_reset: '0 mV', V0: '0 mV', V_th: '1e12 mV', tau: '1e9 ms', tau_ref: '0 ms' } },
      { id: 'V', type: 'state-probe', params: { state: 'V', interval: '20 ms' } },
    ], ['drive.J -> cell.J', 'cell.V -> V.target'], { duration: '20 ms', seed: 2 }));
    const counts = (r: typeof cpu) => r.traces.get('V')!.map((ch) => Math.round(ch[1]! / w));
    const c = counts(gpu);
    const m = K * p * steps;
    expect(Math.abs(mean(c) - m)).toBeLessThan(4 * Math.sqrt(m * (1 - p) / N));
    expect(Math.abs(variance(c) / mean(c) - (1 - p))).toBeLessThan(4 * Math.sqrt(2 / (N - 1)));
    // Same draws: the counts differ only where a uniform falls within f32 rounding of a CDF step.
    const same = c.filter((x, n) => x === counts(cpu)[n]).length;
    expect(same / N).toBeGreaterThan(0.99);
  });
});

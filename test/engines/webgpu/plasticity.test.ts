/**
 * Plastic synapses on the WebGPU engine (Dawn; SwiftShader without a GPU): on_pre in the
 * list scatter, on_post over the postsynaptic spike list. Where the spikes are the same, the
 * weights are the same as on the CPU engine to f32 rounding: the conductance g, into which
 * every arriving spike delivers its connection's current weight, follows the CPU's step for
 * step, and so do the weights (read back through weight probes). One network holds every rule (one shader to compile: SwiftShader compiles slowly).
 */
import { existsSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { compile } from '../../../src-main/compiler/compile.js';
import type { Plan } from '../../../src-main/compiler/plan.js';
import { Simulation } from '../../../src-main/engines/cpu/simulation.js';
import type { RecordingChunk } from '../../../src-main/engines/types.js';
import { collectChunks, makeDoc, type BlockSpec } from '../../helpers/doc.js';

const SWIFTSHADER = '/usr/lib/chromium/vk_swiftshader_icd.json';
if (!process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER)) process.env.VK_ICD_FILENAMES = SWIFTSHADER;
const { createWebGpuEngine } = await import('../../../src-main/engines/webgpu/index.js');

const STDP = { A_pre: 0.2, A_post: -0.21, w_max: '0.2 uS' };
const W = { dist: 'uniform', low: '0.05 uS', high: '0.15 uS' };
/** Each rule onto its own 3 LIF neurons, strong enough to make them fire. */
const RULES: Array<[string, string, Record<string, unknown>, Record<string, unknown>]> = [
  ['pair', 'stdp', STDP, W],
  ['nearest', 'stdp', { ...STDP, pairing: 'nearest', weight_dependence: 'multiplicative' }, W],
  ['triplet', 'triplet-stdp', { A2_plus: 0.1, A3_plus: 0.2, A2_minus: 0.15, A3_minus: 0.01, w_max: '0.2 uS' }, W],
  ['tm', 'tsodyks-markram', { U: 0.2, tau_rec: '200 ms', tau_facil: '300 ms' }, { dist: 'uniform', low: '0.5 uS', high: '1.5 uS' }],
];

/** `frozen`: every synapse an exponential one with the same weights (nothing learns). */
function network(frozen: boolean) {
  const blocks: BlockSpec[] = [{ id: 'inputs', type: 'poisson', size: 40, params: { rate: '40 Hz' } }];
  const edges: string[] = [];
  for (const [id, type, params, weight] of RULES) {
    blocks.push(
      { id: `syn_${id}`, type: frozen ? 'exponential' : type, params: frozen ? { tau: type === 'tsodyks-markram' ? '3 ms' : '5 ms' } : params, connection: { rule: 'fixed-probability', p: 0.7, weight } },
      { id: `cells_${id}`, type: 'lif', size: 3, params: { tau_ref: '1 ms' } },
      { id: `g_${id}`, type: 'state-probe', params: { state: 'g' } },
      { id: `sp_${id}`, type: 'spike-probe' },
    );
    edges.push(`inputs.spikes -> syn_${id}.pre`, `syn_${id}.post -> cells_${id}.I`, `syn_${id}.post -> g_${id}.target`, `cells_${id}.spikes -> sp_${id}.spikes`);
    // Weight probes: every connection's w (Tsodyks–Markram: its resources x), every 1 ms.
    if (!frozen) {
      blocks.push({ id: `w_${id}`, type: 'state-probe', params: { state: type === 'tsodyks-markram' ? 'x' : 'w', interval: '1 ms' } });
      edges.push(`syn_${id}.post -> w_${id}.target`);
    }
  }
  return makeDoc(blocks, edges, { duration: '50 ms', seed: 5 });
}

describe('plastic synapses on the WebGPU engine', async () => {
  const created = await createWebGpuEngine();
  const engine = 'engine' in created ? created.engine : null;
  afterAll(() => engine?.dispose());

  const cpuRun = (plan: Plan) => {
    const sim = new Simulation(plan);
    sim.advance(plan.steps);
    return collectChunks(sim.drain());
  };
  const key = (x: [number, number][]) => x.map(([s, n]) => s * 1e6 + n).sort((a, b) => a - b);
  const spread = (a: number[][], b: number[][]) => Math.max(...a.flatMap((ch, j) => ch.map((v, s) => Math.abs(v - b[j]![s]!))));

  // The grid shape here (blocks.test.ts runs each plastic block in both shapes); SwiftShader compiles slowly.
  it.skipIf(!engine)('pair (all-to-all, nearest), triplet and Tsodyks–Markram: the same spikes and the same g as the CPU engine', { timeout: 180_000 }, async () => {
    const plan = compile(network(false));
    const cpu = cpuRun(plan);
    const frozen = cpuRun(compile(network(true)));
    for (const [id] of RULES) {
      expect(cpu.spikes.get(`sp_${id}`)!.length, id).toBeGreaterThan(5);
      expect(spread(cpu.traces.get(`g_${id}`)!, frozen.traces.get(`g_${id}`)!), `${id} learns`).toBeGreaterThan(1e-3);
    }
    for (const shape of ['grid'] as const) {
      const chunks: RecordingChunk[] = [];
      await engine!.runBatch([plan], { sinks: [{ write: (c: RecordingChunk) => { chunks.push(c); } }], shape, firstChunkSteps: 37 });
      const gpu = collectChunks(chunks);
      for (const [id] of RULES) {
        expect(key(gpu.spikes.get(`sp_${id}`)!), `${id}, ${shape}`).toEqual(key(cpu.spikes.get(`sp_${id}`)!));
        const g = cpu.traces.get(`g_${id}`)!;
        expect(spread(gpu.traces.get(`g_${id}`)!, g), `${id}, ${shape}`).toBeLessThan(2e-5 * Math.max(...g.flat()));
        // The weights themselves, read back through the weight probe: the CPU's to f32 rounding.
        const w = cpu.traces.get(`w_${id}`)!;
        expect(w.length, id).toBeGreaterThan(50); // connections
        expect(spread(gpu.traces.get(`w_${id}`)!, w), `${id} weights, ${shape}`).toBeLessThan(2e-6 * Math.max(...w.flat()));
      }
    }
  });
});

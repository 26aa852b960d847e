/**
 * "Continue from run #N" on the WebGPU engine (Dawn; SwiftShader without a GPU): a run that
 * continues the CPU engine's first 50 ms starts its weight probe at that run's final
 * weights, keeps the CPU's spikes, and ends with the CPU continuation's weights to f32
 * rounding: its traces decay from each connection's last event before step 0 (negative
 * steps in the u32 words of IS), as the CPU engine's do. The final state it reads back for
 * the lab is the CPU continuation's to f32 rounding, with the same last events.
 */
import { existsSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { compile } from '../../../src-main/compiler/compile.js';
import { connectionStructure, continueFrom, type StoredConnectionState } from '../../../src-main/compiler/continue-from.js';
import type { Plan } from '../../../src-main/compiler/plan.js';
import { finalConnectionStates } from '../../../src-main/engines/cpu/plasticity-arrays.js';
import { Simulation } from '../../../src-main/engines/cpu/simulation.js';
import type { RecordingChunk } from '../../../src-main/engines/types.js';
import { collectChunks, makeDoc } from '../../helpers/doc.js';

const SWIFTSHADER = '/usr/lib/chromium/vk_swiftshader_icd.json';
if (!process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER)) process.env.VK_ICD_FILENAMES = SWIFTSHADER;
const { createWebGpuEngine } = await import('../../../src-main/engines/webgpu/index.js');

const PRE = [[30, 212, 640, 655, 980], [95, 110, 700, 905], [5, 350, 615, 990], [250, 260, 270, 810], [120, 860]];
const DRIVE = [[100, 240, 380, 620, 720, 950], [50, 215, 390, 660, 905]];

/** Spike-times inputs of steps [from, to) → STDP onto 2 cells fired by a drive; every weight probed each 1 ms. */
function net(from: number, to: number) {
  const keep = (steps: number[], n: number) => steps.filter((s) => s >= from && s < to).map((s) => [n, `${((s - from) / 10).toFixed(1)} ms`]);
  return makeDoc([
    { id: 'pre', type: 'spike-times', size: PRE.length, params: { spikes: PRE.flatMap(keep) } },
    { id: 'stdp', type: 'stdp', params: { A_pre: 0.2, A_post: -0.21 }, connection: { rule: 'all-to-all', weight: { dist: 'uniform', low: '0 uS', high: '0.01 uS' }, delay: '0 ms' } },
    { id: 'drive', type: 'spike-times', size: 2, params: { spikes: DRIVE.flatMap(keep) } },
    { id: 'kick', type: 'delta', connection: { rule: 'one-to-one', weight: '30 mV' } },
    { id: 'cell', type: 'lif', size: 2, params: { tau_ref: '1 ms' } },
    { id: 'sp', type: 'spike-probe' },
    { id: 'w', type: 'state-probe', params: { state: 'w', interval: '1 ms' } },
  ], ['pre.spikes -> stdp.pre', 'stdp.post -> cell.I', 'drive.spikes -> kick.pre', 'kick.post -> cell.J', 'cell.spikes -> sp.spikes', 'stdp.post -> w.target'],
  { duration: `${(to - from) / 10} ms`, seed: 3 });
}

describe('continuing a run on the WebGPU engine', async () => {
  const created = await createWebGpuEngine();
  const engine = 'engine' in created ? created.engine : null;
  afterAll(() => engine?.dispose());

  it.skipIf(!engine)('starts from the CPU run\'s final state and learns the CPU continuation\'s weights', { timeout: 180_000 }, async () => {
    const firstPlan = compile(net(0, 500));
    const sim = new Simulation(firstPlan);
    sim.advance(firstPlan.steps);
    const stored: StoredConnectionState[] = finalConnectionStates(firstPlan, sim.arrays, sim.step)
      .map((c) => ({ ...c, structure: connectionStructure(firstPlan, firstPlan.projections[0]!) }));
    const continued = (): Plan => {
      const plan = compile(net(500, 1000));
      continueFrom(plan, 1, stored);
      return plan;
    };
    const cpuSim = new Simulation(continued());
    cpuSim.advance(cpuSim.plan.steps);
    const cpu = collectChunks(cpuSim.drain());
    const chunks: RecordingChunk[] = [];
    const [result] = await engine!.runBatch([continued()], { sinks: [{ write: (c: RecordingChunk) => { chunks.push(c); } }], shape: 'grid' });
    const gpu = collectChunks(chunks);

    expect(gpu.spikes.get('sp')).toEqual(cpu.spikes.get('sp'));
    const [wc, wg] = [cpu.traces.get('w')!, gpu.traces.get('w')!];
    expect(wg.map((ch) => ch[0])).toEqual(Array.from(stored[0]!.w, (x) => Math.fround(x))); // sample 0: the stored weights
    const last = wc[0]!.length - 1;
    expect(wg.map((ch) => ch[0] !== ch[last])).toContain(true); // it learned on
    for (let c = 0; c < wc.length; c++) expect(Math.abs(wg[c]![last]! - wc[c]![last]!), `connection ${c}`).toBeLessThan(1e-6 * 0.01);

    // The final state the lab keeps of the GPU run: the CPU continuation's, to f32 rounding; the same last events.
    const [g, c] = [result!.connectionStates![0]!, finalConnectionStates(cpuSim.plan, cpuSim.arrays, cpuSim.step)[0]!];
    expect(Array.from(g.last)).toEqual(Array.from(c.last));
    expect(Math.max(...g.last)).toBeLessThanOrEqual(0); // counted back from the end
    for (const [name, a, b] of [['w', g.w, c.w], ['a_pre', g.states.a_pre!, c.states.a_pre!], ['a_post', g.states.a_post!, c.states.a_post!]] as const) {
      for (let k = 0; k < a.length; k++) expect(Math.abs(a[k]! - b[k]!), `${name} of connection ${k}`).toBeLessThan(1e-6 * Math.max(1, Math.abs(b[k]!)));
    }
  });
});

/**
 * The Brunel (2000) and Izhikevich (2003) networks on the WebGPU engine (Dawn on
 * SwiftShader here) against the CPU engine, shrunken and short since SwiftShader runs GPU
 * code on the CPU. Both are chaotic recurrent networks: an f32 rounding changes later
 * spikes, so the activity is compared statistically (rates within the CPU's seed-to-seed
 * spread, ISI CV), and the deterministic parts exactly: both engines run one compiled
 * plan (the same drawn parameters and connections), the random input (thalamic noise,
 * Poisson drive counts) is the same draw for draw, so the membrane traces agree to f32
 * rounding until the network's own spikes start to differ, and the first spikes coincide.
 */
import { existsSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { compile } from '../../src-main/compiler/compile.js';
import type { Plan } from '../../src-main/compiler/plan.js';
import { Simulation } from '../../src-main/engines/cpu/simulation.js';
import type { RecordingChunk } from '../../src-main/engines/types.js';
import { meanIsiCv, meanRate } from '../../bench/spike-stats.js';
import { collectChunks, type Recordings } from '../helpers/doc.js';
import { scaledBrunel, scaledIzhikevich } from './literature-docs.js';

const SWIFTSHADER = '/usr/lib/chromium/vk_swiftshader_icd.json';
if (!process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER)) process.env.VK_ICD_FILENAMES = SWIFTSHADER;
const { createWebGpuEngine } = await import('../../src-main/engines/webgpu/index.js');

const SEEDS = 4;

function runCpu(plan: Plan): Recordings {
  const sim = new Simulation(plan);
  sim.advance(plan.steps);
  return collectChunks(sim.drain());
}

function popStats(plan: Plan, rec: Recordings) {
  return Object.fromEntries(['E', 'I'].map((id) => {
    const n = plan.blocks.find((b) => b.id === id)!.size;
    const s = rec.spikes.get(`${id}_spikes`) ?? [];
    return [id, { rate: meanRate(s, n, plan.steps, plan.dt), cv: meanIsiCv(s, n) }];
  })) as Record<'E' | 'I', { rate: number; cv: number }>;
}

const CASES = [
  // name, document, duration, V probe, steps before the first recurrent input can arrive
  { name: 'Brunel (2000), NE = 400', doc: () => scaledBrunel(25), duration: '200 ms', probe: 'E_V', quiet: 16 },
  { name: 'Izhikevich (2003), 500 neurons', doc: () => scaledIzhikevich(2), duration: '300 ms', probe: 'E_v', quiet: 1 },
];

describe('literature networks: WebGPU against CPU', async () => {
  const created = await createWebGpuEngine();
  const engine = 'engine' in created ? created.engine : null;
  afterAll(() => engine?.dispose());
  if (!engine) console.warn(`WebGPU tests skipped: ${'unavailable' in created ? created.unavailable : ''}`);

  for (const c of CASES) {
    it.skipIf(!engine)(`${c.name}: same random input and first spikes, rates and ISI CV within the CPU's seed spread`, async () => {
      const doc = c.doc();
      const plan = compile(doc, { duration: c.duration });
      const cpu = runCpu(plan);
      const chunks: RecordingChunk[] = [];
      const result = await engine!.run(plan, { sink: { write: (ch) => { chunks.push(ch); } } });
      expect(result.status).toBe('finished');
      const gpu = collectChunks(chunks);

      // Before any recurrent spike can arrive, V is driven by the random input alone: equal to f32 rounding.
      const a = cpu.traces.get(c.probe)!, b = gpu.traces.get(c.probe)!;
      for (let ch = 0; ch < a.length; ch++) {
        for (let s = 0; s <= c.quiet; s++) expect(Math.abs(a[ch]![s]! - b[ch]![s]!), `${c.probe}[${ch}] sample ${s}`).toBeLessThan(1e-3);
      }
      for (const id of ['E', 'I']) {
        const x = cpu.spikes.get(`${id}_spikes`)!, y = gpu.spikes.get(`${id}_spikes`)!;
        expect(y.slice(0, 3), `first spikes of ${id}`).toEqual(x.slice(0, 3));
      }

      // Statistics: the GPU run against the CPU engine over SEEDS seeds.
      const bySeed = [popStats(plan, cpu)];
      for (let k = 1; k < SEEDS; k++) {
        const p = compile(doc, { duration: c.duration, seed: plan.seed + k });
        bySeed.push(popStats(p, runCpu(p)));
      }
      const g = popStats(plan, gpu);
      for (const id of ['E', 'I'] as const) {
        const rates = bySeed.map((s) => s[id].rate);
        const mean = rates.reduce((x, y) => x + y, 0) / SEEDS;
        const sd = Math.sqrt(rates.reduce((x, y) => x + (y - mean) ** 2, 0) / (SEEDS - 1));
        expect(Math.abs(g[id].rate - mean), `${id}: GPU ${g[id].rate.toFixed(2)} Hz, CPU ${rates.map((r) => r.toFixed(2)).join(', ')} Hz`)
          .toBeLessThanOrEqual(3 * sd + 0.05 * mean + 0.5);
        const cvs = bySeed.map((s) => s[id].cv);
        const cvMean = cvs.reduce((x, y) => x + y, 0) / SEEDS;
        const cvSd = Math.sqrt(cvs.reduce((x, y) => x + (y - cvMean) ** 2, 0) / (SEEDS - 1));
        expect(Math.abs(g[id].cv - cvMean), `${id}: GPU ISI CV ${g[id].cv.toFixed(3)}, CPU ${cvs.map((v) => v.toFixed(3)).join(', ')}`)
          .toBeLessThanOrEqual(3 * cvSd + 0.05);
      }
    });
  }
});

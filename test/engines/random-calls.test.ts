/**
 * Random calls in update code (`rand()`, `randn()`) on both engines: a state set each step to
 * a draw records exactly the numbers kernels/random.ts gives for (seed, block stream,
 * neuron, step), computed here independently of the engines' code generators (the CPU
 * engine computes in f64 and records f32; the WebGPU engine within f32 rounding of the same
 * formula).
 */
import { existsSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { normal24, random24, randomStream } from '../../kernels/random.js';
import { compile } from '../../src-main/compiler/compile.js';
import type { Plan } from '../../src-main/compiler/plan.js';
import { Simulation } from '../../src-main/engines/cpu/simulation.js';
import type { RecordingChunk } from '../../src-main/engines/types.js';
import { collectChunks, makeDoc } from '../helpers/doc.js';

const SWIFTSHADER = '/usr/lib/chromium/vk_swiftshader_icd.json';
if (!process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER)) process.env.VK_ICD_FILENAMES = SWIFTSHADER;
const { createWebGpuEngine } = await import('../../src-main/engines/webgpu/index.js');

const [N, STEPS, SEED] = [3, 200, 29];

/**
 * Izhikevich neurons whose update is replaced by `v = randn(); u = rand(); spike = false`:
 * the probes then record the draws of each step (sample s holds the draw of step s − 1).
 */
function drawingPlan(): Plan {
  const plan = compile(makeDoc(
    [
      { id: 'cell', type: 'izhikevich', size: N },
      { id: 'v', type: 'state-probe', params: { state: 'v' } },
      { id: 'u', type: 'state-probe', params: { state: 'u' } },
    ],
    ['cell.v->v.target', 'cell.v->u.target'],
    { duration: `${STEPS * 0.1} ms`, seed: SEED },
  ));
  const cell = plan.blocks.find((b) => b.id === 'cell')!;
  cell.code = [
    { target: 'v', expr: { k: 'call', fn: 'randn', args: [] } },
    { target: 'u', expr: { k: 'call', fn: 'rand', args: [] } },
    { target: 'spike', expr: { k: 'bool', v: false } },
  ];
  return plan;
}

/** The draws the contract prescribes: call slot 0 is randn, slot 1 rand (print order). */
function expected(plan: Plan) {
  const index = plan.blocks.find((b) => b.id === 'cell')!.index;
  const v: number[][] = [];
  const u: number[][] = [];
  for (let k = 0; k < N; k++) {
    v.push([]);
    u.push([]);
    for (let i = 0; i < STEPS; i++) {
      v[k]!.push(normal24(SEED, randomStream(index, 0), k, i));
      u[k]!.push(random24(SEED, randomStream(index, 1), k, i) * 2 ** -24);
    }
  }
  return { v, u };
}

describe('random calls in update code', () => {
  it('CPU engine: each step records randn() and rand() for (seed, block, neuron, step)', () => {
    const plan = drawingPlan();
    const sim = new Simulation(plan);
    sim.advance(plan.steps);
    const { traces } = collectChunks(sim.drain());
    const want = expected(plan);
    for (let k = 0; k < N; k++) {
      // Recordings are stored as f32.
      expect(traces.get('v')![k]!.slice(1)).toEqual(want.v[k]!.map(Math.fround));
      expect(traces.get('u')![k]!.slice(1)).toEqual(want.u[k]!.map(Math.fround));
    }
    // Different neurons draw different numbers.
    expect(want.v[0]).not.toEqual(want.v[1]);
  });

  describe('WebGPU engine', async () => {
    const created = await createWebGpuEngine();
    const engine = 'engine' in created ? created.engine : null;
    afterAll(() => engine?.dispose());

    it.skipIf(!engine)('records the same draws within f32 rounding', async () => {
      const plan = drawingPlan();
      const chunks: RecordingChunk[] = [];
      await engine!.run(plan, { sink: { write: (c) => { chunks.push(c); } } });
      const { traces } = collectChunks(chunks);
      const want = expected(plan);
      for (let k = 0; k < N; k++) {
        const u = traces.get('u')![k]!.slice(1);
        expect(u).toEqual(want.u[k]!.map(Math.fround)); // 24-bit uniforms are exact in f32
        const v = traces.get('v')![k]!.slice(1);
        for (let i = 0; i < STEPS; i++) expect(Math.abs(v[i]! - want.v[k]![i]!), `neuron ${k}, step ${i}`).toBeLessThan(6 * 2 ** -11);
      }
    });
  });
});

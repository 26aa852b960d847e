/**
 * Time stamps on the WebGPU engine (src-main/engines/webgpu/stamps.ts): which states are
 * kept as step counts, and the stamp arithmetic itself on Dawn at step counts where f32
 * milliseconds already lose the step (the same snippets the code generator prints; a run
 * long enough to reach them would take hours on SwiftShader).
 */
import { existsSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { compile } from '../../../src-main/compiler/compile.js';
import type { PlanBlock } from '../../../src-main/compiler/plan.js';
import { generateProgram } from '../../../src-main/engines/webgpu/codegen.js';
import { elapsedWgsl, readsTimeOutsideStamps, stampLoadWgsl, stampStates, stampStoreWgsl } from '../../../src-main/engines/webgpu/stamps.js';
import { Simulation } from '../../../src-main/engines/cpu/simulation.js';
import type { RecordingChunk } from '../../../src-main/engines/types.js';
import { collectChunks, makeDoc } from '../../helpers/doc.js';

const SWIFTSHADER = '/usr/lib/chromium/vk_swiftshader_icd.json';
if (!process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER)) process.env.VK_ICD_FILENAMES = SWIFTSHADER;
const { createWebGpuEngine } = await import('../../../src-main/engines/webgpu/index.js');
const { runShader } = await import('../../helpers/gpu.js');

const block = (doc: ReturnType<typeof makeDoc>, id: string): PlanBlock => compile(doc).blocks.find((b) => b.id === id)!;
const net = (init: Record<string, unknown> = {}) => makeDoc(
  [
    { id: 'pre', type: 'spike-times', size: 1, params: { spikes: [[0, '1 ms']] } },
    { id: 'syn', type: 'ampa', connection: { rule: 'one-to-one', weight: '1 uS' } },
    { id: 'cell', type: 'lif', size: 1, init },
  ],
  ['pre.spikes->syn.pre', 'syn.post->cell.I'],
);

describe('which states are time stamps', () => {
  it('LIF t_last and the kinetic synapse\'s t_arr; nothing else', () => {
    const doc = net();
    expect([...stampStates(block(doc, 'cell'), 0.1)]).toEqual(['t_last']);
    expect([...stampStates(block(doc, 'syn'), 0.1)]).toEqual(['t_arr']);
    expect(readsTimeOutsideStamps(block(doc, 'cell'), 0.1)).toBe(false);
    expect(readsTimeOutsideStamps(block(doc, 'syn'), 0.1)).toBe(false);
  });

  it('not when a state starts between steps: then t is read as f32 time', () => {
    const cell = block(net({ t_last: '-0.05 ms' }), 'cell');
    expect(stampStates(cell, 0.1).size).toBe(0);
    expect(readsTimeOutsideStamps(cell, 0.1)).toBe(true);
  });

  it('also at a dt that does not divide the "never" start (−1e7 ms): far values are rounded', () => {
    const cell = compile(net()).blocks.find((b) => b.id === 'cell')!;
    expect([...stampStates(cell, 0.3)]).toEqual(['t_last']);
    expect([...stampStates(cell, 0.005)]).toEqual([]); // −2e9 steps: out of range, f32 time
  });

  it('not when the state is read other than as t − X', () => {
    const cell = block(net(), 'cell');
    const code = [...cell.code, { target: 'V', expr: { k: 'bin' as const, op: '+' as const, a: { k: 'var' as const, name: 'V' }, b: { k: 'var' as const, name: 't_last' } } }];
    expect(stampStates({ ...cell, code }, 0.1).size).toBe(0);
  });

  it('the generated WGSL keeps t_last in steps and computes elapsed time from integers', () => {
    const program = generateProgram([compile(net())], { workgroupSize: 64, shape: 'grid', limits: { maxChunkSteps: 16, spikeCapacity: 1024 } });
    expect(program.code).toMatch(/var s_t_last: i32 = bitcast<i32>\(bitcast<u32>\(S\[/);
    expect(program.code).toContain('(f32(bitcast<i32>(i) - s_t_last) * DT)');
    expect(program.code).toMatch(/s_t_last = select\(s_t_last, bitcast<i32>\(i\), l_spike\);/);
  });
});

describe('stamp arithmetic on Dawn', async () => {
  const created = await createWebGpuEngine();
  const engine = 'engine' in created ? created.engine : null;
  afterAll(() => engine?.dispose());

  it.skipIf(!engine)('a refractory LIF at dt = 0.3 ms spikes on the same steps as on the CPU engine', async () => {
    const plan = compile(makeDoc(
      [{ id: 'drive', type: 'constant-current', params: { amplitude: '20 nA' } }, { id: 'cell', type: 'lif', size: 3, params: { tau_ref: '2.1 ms' } }, { id: 'sp', type: 'spike-probe' }],
      ['drive.I->cell.I', 'cell.spikes->sp.spikes'],
      { dt: '0.3 ms', duration: '60 ms' },
    ));
    const sim = new Simulation(plan);
    sim.advance(plan.steps);
    const cpu = collectChunks(sim.drain()).spikes.get('sp');
    const chunks: RecordingChunk[] = [];
    await engine!.run(plan, { sink: { write: (c) => { chunks.push(c); } } });
    expect(collectChunks(chunks).spikes.get('sp')).toEqual(cpu);
    expect(cpu!.length).toBeGreaterThan(5);
  });

  it.skipIf(!engine)('recovers every gap to the step where f32 milliseconds do not', async () => {
    // Steps from 2^21 to 2^29 (3.5 min to 15 h at dt = 0.1 ms), gaps of 1 to 60 steps.
    const steps: number[] = [];
    const gaps: number[] = [];
    for (let e = 21; e <= 29; e++) {
      for (let k = 0; k < 64; k++) {
        steps.push(2 ** e + k * 7919);
        gaps.push(1 + (k % 60));
      }
    }
    const n = steps.length;
    const code = `
const DT: f32 = 0.1f;
@group(0) @binding(0) var<storage, read> I: array<u32>;
@group(0) @binding(1) var<storage, read> G: array<u32>;
@group(0) @binding(2) var<storage, read_write> O: array<f32>;
@compute @workgroup_size(64) fn main(@builtin(global_invocation_id) g: vec3<u32>) {
  let k = g.x;
  if (k >= ${n}u) { return; }
  let i = I[k];
  let last = i - G[k];
  // stored as the engine stores it, then loaded back
  let word = ${stampStoreWgsl('bitcast<i32>(last)')};
  let s_x: i32 = ${stampLoadWgsl('word')};
  O[2u * k] = round(${elapsedWgsl('i', 's_x')} / DT);
  // the same in f32 milliseconds
  O[2u * k + 1u] = round((f32(i) * DT - f32(last) * DT) / DT);
}`;
    const out = new Float32Array(await runShader(engine!.gpu.device, code, [Uint32Array.from(steps), Uint32Array.from(gaps)], n * 8, Math.ceil(n / 64)));
    let wrongF32 = 0;
    for (let k = 0; k < n; k++) {
      expect(out[2 * k], `step ${steps[k]}, gap ${gaps[k]}`).toBe(gaps[k]);
      if (out[2 * k + 1] !== gaps[k]) wrongF32++;
    }
    expect(wrongF32).toBeGreaterThan(n / 4); // f32 ms would have moved these events
  });
});

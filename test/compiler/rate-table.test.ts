/**
 * Rate tables (src-main/compiler/rate-table.ts): an inhomogeneous Poisson source's rate given
 * as (t, rate) rows is interpolated linearly between rows and held outside them, compiled to
 * an expression of t that both engines run; the rows are checked.
 */
import { existsSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import type { TimeExpressionParam } from '../../kernels/types.js';
import { blockDef } from '../../kernels/index.js';
import { compile } from '../../src-main/compiler/compile.js';
import { CompileError } from '../../src-main/compiler/diagnostics.js';
import { rateTableExpression } from '../../src-main/compiler/rate-table.js';
import { Simulation } from '../../src-main/engines/cpu/simulation.js';
import type { RecordingChunk } from '../../src-main/engines/types.js';
import { evaluate } from '../../src-shared/expr/evaluate.js';
import { collectChunks, makeDoc } from '../helpers/doc.js';

const SWIFTSHADER = '/usr/lib/chromium/vk_swiftshader_icd.json';
if (!process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER)) process.env.VK_ICD_FILENAMES = SWIFTSHADER;
const { createWebGpuEngine } = await import('../../src-main/engines/webgpu/index.js');

const RATE = blockDef('inhomogeneous-poisson')!.params.rate as TimeExpressionParam;

/** The rate the contract states: linear between rows, held before the first and after the last. */
function interpolate(rows: Array<[number, number]>, t: number): number {
  if (t < rows[0]![0]) return rows[0]![1];
  for (let k = 0; k + 1 < rows.length; k++) {
    const [t0, r0] = rows[k]!, [t1, r1] = rows[k + 1]!;
    if (t < t1) return r0 + (r1 - r0) * (t - t0) / (t1 - t0);
  }
  return rows.at(-1)![1];
}

const doc = (rate: unknown, N: number, duration: string, seed = 1) => makeDoc([
  { id: 'src', type: 'inhomogeneous-poisson', size: N, params: { rate } },
  { id: 'sp', type: 'spike-probe' },
], ['src.spikes -> sp.spikes'], { duration, seed });

function cpuSpikes(rate: unknown, N: number, duration: string, seed = 1): Array<[number, number]> {
  const plan = compile(doc(rate, N, duration, seed));
  const sim = new Simulation(plan);
  sim.advance(plan.steps);
  return collectChunks(sim.drain()).spikes.get('sp') ?? [];
}

describe('rate tables', () => {
  it('interpolate linearly between rows and hold the end values, for 1 to 1000 rows', () => {
    for (const n of [1, 2, 3, 7, 64, 1000]) {
      const rows: Array<[number, number]> = Array.from({ length: n }, (_, k) => [5 + k * 3.5 + (k % 3) * 0.25, 20 + 15 * Math.sin(k)]);
      const e = rateTableExpression({ table: rows }, RATE);
      for (let t = 0; t < rows.at(-1)![0] + 20; t += 0.37) {
        expect(evaluate(e, new Map([['t', t]])) as number, `n = ${n}, t = ${t}`).toBeCloseTo(interpolate(rows, t), 9);
      }
      for (const [t, r] of rows) expect(evaluate(e, new Map([['t', t]])) as number).toBeCloseTo(r, 9);
    }
  });

  it('take units in the rows, numbers in ms and Hz', () => {
    const a = rateTableExpression({ table: [['0.1 s', '0.02 kHz'], ['200 ms', 40]] }, RATE);
    expect(evaluate(a, new Map([['t', 150]]))).toBeCloseTo(30, 12);
    expect(evaluate(a, new Map([['t', 50]]))).toBeCloseTo(20, 12);
  });

  it('drive the source: spike counts follow the table bin by bin', () => {
    const [N, dt] = [2000, 0.1];
    const rows: Array<[number, number]> = [[0, 0], [20, 80], [40, 80], [60, 10]];
    const spikes = cpuSpikes({ table: rows }, N, '80 ms');
    for (let bin = 0; bin < 16; bin++) {
      let m = 0, v = 0;
      for (let i = bin * 50; i < (bin + 1) * 50; i++) { const p = interpolate(rows, i * dt) * dt / 1000; m += N * p; v += N * p * (1 - p); }
      const got = spikes.filter(([s]) => s >= bin * 50 && s < (bin + 1) * 50).length;
      expect(Math.abs(got - m), `bin ${bin}: ${got} vs ${m.toFixed(1)}`).toBeLessThan(4 * Math.sqrt(v) + 1);
    }
  });

  it('refuse rows out of order, without a rate, in wrong units, extra fields, and a rate above 1/dt', () => {
    const refused = (rate: unknown) => () => cpuSpikes(rate, 1, '5 ms');
    expect(refused({ table: [[0, 10], [0, 20]] })).toThrow(/block "src".*row 2: t = 0 ms does not come after the previous row's 0 ms/);
    expect(refused({ table: [] })).toThrow(/at least one row/);
    expect(refused({ table: [[0]] })).toThrow(/row 1: expected \[t, rate\]/);
    expect(refused({ table: [['1 mV', 10]] })).toThrow(/row 1:/);
    expect(refused({ table: [[0, 10]], unit: 'Hz' })).toThrow(/only the field "table"/);
    expect(refused({ table: [[0, 10], [4, 20000]] })).toThrow(CompileError);
    expect(refused({ table: [[0, 10], [4, 20000]] })).toThrow(/probability of .* per step at t = /);
  });
});

describe('rate tables on the WebGPU engine', async () => {
  const created = await createWebGpuEngine();
  const engine = 'engine' in created ? created.engine : null;
  afterAll(() => engine?.dispose());

  it.skipIf(!engine)('draw the same spikes as on the CPU engine', async () => {
    const rate = { table: Array.from({ length: 40 }, (_, k) => [k * 2.5, 100 + 90 * Math.sin(k / 3)]) };
    const plan = compile(doc(rate, 50, '100 ms', 3));
    const chunks: RecordingChunk[] = [];
    const result = await engine!.run(plan, { sink: { write: (c) => { chunks.push(c); } } });
    expect(result.status).toBe('finished');
    const gpu = collectChunks(chunks).spikes.get('sp') ?? [];
    const cpu = cpuSpikes(rate, 50, '100 ms', 3);
    expect(cpu.length).toBeGreaterThan(200);
    expect(gpu).toEqual(cpu);
  });
});

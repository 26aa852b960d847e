/**
 * The WebGPU engine's f32 time window: the limit is where f32 arithmetic (emulated with
 * Math.fround, as a kernel would compute round((t − x)/dt) from f32 times) still recovers
 * every gap to the step, and not much further. Time stamps kept in steps (stamps.ts) are not
 * limited: LIF runs any length. A block reading `t` otherwise (a LIF whose t_last starts
 * between steps, so it is no stamp; or a stand-in block) is refused past the limit by
 * `webgpu` and goes to the CPU engine under `auto` with one line naming the block.
 */
import { existsSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { compile } from '../../../src-main/compiler/compile.js';
import { Simulation } from '../../../src-main/engines/cpu/simulation.js';
import { generateProgram } from '../../../src-main/engines/webgpu/codegen.js';
import { selectEngine } from '../../../src-main/engines/select.js';
import { F32_EXACT_STEPS, f32TimeLimitMs, f32TimeProblem } from '../../../src-main/engines/webgpu/f32-time.js';
import { makeDoc } from '../../helpers/doc.js';

const SWIFTSHADER = '/usr/lib/chromium/vk_swiftshader_icd.json';
if (!process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER)) process.env.VK_ICD_FILENAMES = SWIFTSHADER;
const { createWebGpuEngine } = await import('../../../src-main/engines/webgpu/index.js');

const f = Math.fround;

/** Steps between two spikes as the kernel computes them: t = f32(step)·DT in f32, then round((t − t_last)/DT). */
function gapOnGpu(lastStep: number, gap: number, dt: number): number {
  const DT = f(dt);
  const t = f(f(lastStep + gap) * DT);
  const tLast = f(f(lastStep) * DT);
  return Math.round(f(f(t - tLast) / DT));
}

/** Spike gaps (refractory-sized) at pseudo-random places in [from, to) ms that f32 gets wrong. */
function wrongGaps(fromMs: number, toMs: number, dt: number): number {
  let wrong = 0;
  let x = 12345;
  for (let k = 0; k < 20000; k++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    const last = Math.floor((fromMs + (x / 2 ** 32) * (toMs - fromMs)) / dt);
    const gap = 10 + (k % 40);
    if (gapOnGpu(last, gap, dt) !== gap) wrong++;
  }
  return wrong;
}

describe('f32 time on the GPU', () => {
  it('resolves every spike gap to the step below the limit, and not at four times it', () => {
    for (const dt of [0.1, 0.025, 0.5]) {
      const limit = f32TimeLimitMs(dt);
      expect(wrongGaps(limit / 2, limit - 60 * dt, dt)).toBe(0);
      expect(wrongGaps(4 * limit, 8 * limit, dt)).toBeGreaterThan(0);
    }
    expect(f32TimeLimitMs(0.1)).toBe(262144);
  });

  const lif = (duration: string, init: Record<string, unknown> = {}) => makeDoc(
    [{ id: 'drive', type: 'constant-current', params: { amplitude: '20 nA' } }, { id: 'cell', type: 'lif', size: 2, init }],
    ['drive.I->cell.I'],
    { duration },
  );
  /** t_last starting half a step off the grid: not a stamp, so its times stay f32. */
  const offGrid = { t_last: '-0.05 ms' };

  it('does not limit time stamps: a LIF runs any length up to 2^30 steps', () => {
    expect(f32TimeProblem(compile(lif('1000 s')))).toBeNull();
    // Past 2^30 steps no engine runs it: the compiler refuses the run itself (run-limits.ts).
    expect(() => compile(lif('108000 s'))).toThrow(/run\.duration: .* a run may have at most 2\^30 = 1,073,741,824 steps \(29\.8 h at this dt\)/);
  });

  it('names the block that reads the clock, the limit and the run length', () => {
    expect(f32TimeProblem(compile(lif('200 s', offGrid)))).toBeNull();
    const problem = f32TimeProblem(compile(lif('300 s', offGrid)));
    expect(problem).toMatch(/block "cell" \(lif\) compares times/);
    expect(problem).toContain('262 s at dt = 0.1 ms');
    expect(problem).toContain('this run lasts 300 s');
  });

  it('does not limit blocks that read neither t nor step', () => {
    const doc = makeDoc([{ id: 'cell', type: 'izhikevich', size: 2 }], [], { duration: '300 s' });
    expect(f32TimeProblem(compile(doc))).toBeNull();
  });

  it('does not limit step counts compared with whole numbers (current sources switching on and off)', () => {
    const doc = makeDoc(
      [{ id: 'drive', type: 'ramp-current', params: { from: '0 nA', to: '1 nA', start: '1 ms', stop: '5 ms' } }, { id: 'cell', type: 'izhikevich', size: 1 }],
      ['drive.I->cell.I'],
      { dt: '1 ms', duration: `${F32_EXACT_STEPS + 10} ms` },
    );
    expect(f32TimeProblem(compile(doc))).toBeNull();
  });

  it('limits other arithmetic on the step count at 2^24 steps (stand-in block)', () => {
    const doc = makeDoc(
      [{ id: 'drive', type: 'constant-current', params: { amplitude: '1 nA' } }, { id: 'cell', type: 'izhikevich', size: 1 }],
      ['drive.I->cell.I'],
      { dt: '1 ms', duration: `${F32_EXACT_STEPS + 10} ms` },
    );
    const plan = compile(doc);
    const drive = plan.blocks.find((b) => b.id === 'drive')!;
    drive.code = [{ target: 'I_out', expr: { k: 'bin', op: '*', a: { k: 'var', name: 'step' }, b: { k: 'num', v: 1e-9 } } }];
    expect(f32TimeProblem(plan)).toMatch(/block "drive" \(constant-current\) computes with the step count.*exact only up to 16777216 steps/);
  });

  it('sends such a run to the CPU engine under auto (and for a sweep) and refuses it under webgpu', async () => {
    const plan = compile(lif('300 s', offGrid));
    const auto = await selectEngine('auto', { plan });
    expect(auto.engine.name).toBe('cpu');
    expect(auto.note).toBe('This run is too long to keep exact time on the GPU: running on the CPU');
    expect(auto.detail).toMatch(/^block "cell" \(lif\) compares times/);
    expect(auto.detail).not.toContain('\n');
    await expect(selectEngine('webgpu', { plan })).rejects.toThrow(/cannot run this to the step: block "cell".*use the CPU engine/);
    const sweep = await selectEngine('webgpu', { plan, fallback: true });
    expect(sweep.engine.name).toBe('cpu');
    expect(sweep).toMatchObject({ note: auto.note, detail: auto.detail });
  });
});

describe('step counts in integers', async () => {
  const created = await createWebGpuEngine();
  const engine = 'engine' in created ? created.engine : null;
  afterAll(() => engine?.dispose());
  const ramp = (start: string) => compile(makeDoc(
    [{ id: 'drive', type: 'ramp-current', params: { from: '0 nA', to: '30 nA', start, stop: '40 ms' } }, { id: 'cell', type: 'lif', size: 1 }, { id: 'sp', type: 'spike-probe' }],
    ['drive.I->cell.I', 'cell.spikes->sp.spikes'],
    { duration: '50 ms' },
  ));

  it.skipIf(!engine)('a ramp switches on and off by integer comparisons, per copy in a batch, as on the CPU engine', async () => {
    const plans = [ramp('5 ms'), ramp('12.5 ms')];
    const program = generateProgram(plans, { workgroupSize: 64, shape: 'grid', limits: { maxChunkSteps: 16, spikeCapacity: 1024 } });
    expect(program.code).toMatch(/\(bitcast<i32>\(i\) >= bitcast<i32>\(lit_u\(\d+u\)\)\)/); // start differs per copy
    expect(program.code).toContain('(bitcast<i32>(i) < bitcast<i32>(400u))'); // stop is shared
    const results = await engine!.runBatch(plans);
    plans.forEach((plan, c) => {
      const sim = new Simulation(plan);
      sim.advance(plan.steps);
      expect(results[c]!.populations, `copy ${c}`).toEqual(sim.summary());
      expect(results[c]!.populations[0]!.spikes).toBeGreaterThan(0);
    });
  });
});

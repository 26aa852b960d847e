/**
 * The WebGPU engine's f32 time window: the limit is where f32 arithmetic (emulated with
 * Math.fround, as a kernel would compute round((t − x)/dt) from f32 times) still recovers
 * every gap to the step, and not much further. Time stamps kept in steps (stamps.ts) are not
 * limited: LIF runs any length. A block reading `t` otherwise (a LIF whose t_last starts
 * between steps, so it is no stamp; or a stand-in block) is refused past the limit by
 * `webgpu` and goes to the CPU engine under `auto` with one line naming the block.
 */
import { describe, expect, it } from 'vitest';
import { compile } from '../../../src-main/compiler/compile.js';
import { selectEngine } from '../../../src-main/engines/select.js';
import { F32_EXACT_STEPS, f32TimeLimitMs, f32TimeProblem } from '../../../src-main/engines/webgpu/f32-time.js';
import { makeDoc } from '../../helpers/doc.js';

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

  it('does not limit time stamps: a LIF runs any length', () => {
    expect(f32TimeProblem(compile(lif('1000 s')))).toBeNull();
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

  it('limits blocks that count steps at 2^24 steps', () => {
    const doc = makeDoc(
      [{ id: 'drive', type: 'constant-current', params: { amplitude: '1 nA', start: '1 ms', stop: '5 ms' } }, { id: 'cell', type: 'izhikevich', size: 1 }],
      ['drive.I->cell.I'],
      { dt: '1 ms', duration: `${F32_EXACT_STEPS + 10} ms` },
    );
    expect(f32TimeProblem(compile(doc))).toMatch(/block "drive" \(constant-current\) counts steps.*exact only up to 16777216 steps/);
  });

  it('sends such a run to the CPU engine under auto and refuses it under webgpu', async () => {
    const plan = compile(lif('300 s', offGrid));
    const auto = await selectEngine('auto', plan);
    expect(auto.engine.name).toBe('cpu');
    expect(auto.note).toMatch(/^using the CPU engine: block "cell" \(lif\) compares times/);
    expect(auto.note).not.toContain('\n');
    await expect(selectEngine('webgpu', plan)).rejects.toThrow(/cannot run this to the step: block "cell".*use the CPU engine/);
  });
});

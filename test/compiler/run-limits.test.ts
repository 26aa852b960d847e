/**
 * Runs that could never finish and delays that could never be buffered are refused before
 * anything is drawn (src-main/compiler/run-limits.ts); time constants dt cannot resolve warn,
 * and so does a run too short for one step.
 */
import { describe, expect, it } from 'vitest';
import { compile } from '../../src-main/compiler/compile.js';
import { CompileError } from '../../src-main/compiler/diagnostics.js';
import { MAX_RUN_STEPS } from '../../src-main/compiler/run-limits.js';
import { makeDoc } from '../helpers/doc.js';

const net = (run: { dt?: string; duration?: string }, delay = '1 ms', tau = '5 ms', size = 10) => makeDoc(
  [
    { id: 'src', type: 'poisson', size, params: { rate: '20 Hz' } },
    { id: 'syn', type: 'exponential', params: { tau }, connection: { rule: 'all-to-all', delay } },
    { id: 'cell', type: 'lif', size: 2 },
    { id: 'sp', type: 'spike-probe' },
  ],
  ['src.spikes->syn.pre', 'syn.post->cell.I', 'cell.spikes->sp.spikes'],
  run,
);

function problems(doc: ReturnType<typeof makeDoc>): string[] {
  try {
    compile(doc);
  } catch (e) {
    expect(e).toBeInstanceOf(CompileError);
    return (e as Error).message.split('\n');
  }
  return [];
}

describe('run limits', () => {
  it('refuses a run of more than 2^30 steps, an endless one included, in one line naming run.duration', () => {
    for (const run of [{ duration: '1e308 ms' }, { dt: '1e-300 ms', duration: '100 ms' }, { duration: '1e12 ms' }, { dt: '1e-9 ms', duration: '1 s' }]) {
      const lines = problems(net(run));
      expect(lines, JSON.stringify(run)).toHaveLength(1);
      expect(lines[0]).toMatch(/^run\.duration: .* a run may have at most 2\^30 = 1,073,741,824 steps/);
    }
    // The largest run allowed compiles (it is not run here).
    expect(compile(net({ dt: '1 ms', duration: `${MAX_RUN_STEPS} ms` })).steps).toBe(MAX_RUN_STEPS);
  });

  it('refuses a delay whose spike history cannot be buffered, naming the synapse and the longest delay', () => {
    const lines = problems(net({}, '1e9 ms'));
    expect(lines).toEqual([
      'block "syn", connection: delay: 1000000000 ms is 1.00e+10 steps at dt = 0.1 ms; the spike history of 10 presynaptic neurons over that many steps is more than 2,147,483,647 entries (the longest delay here is 21470000 ms)',
    ]);
    expect(problems(net({}, '600 s'))).toEqual([]);
  });

  it('warns where dt is more than half a time constant, and not otherwise', () => {
    expect(compile(net({}, '1 ms', '0.15 ms')).warnings).toEqual([
      { block: 'syn', field: 'parameter "tau"', message: 'dt = 0.1 ms is more than half of tau = 0.15 ms: the run cannot resolve this time constant (use dt ≤ 0.075 ms)' },
    ]);
    expect(compile(net({}, '1 ms', '0.2 ms')).warnings).toEqual([]);
    // A refractory period is no time constant: tau_ref = 0.1 ms at dt = 0.1 ms gives no warning.
    const doc = net({});
    doc.blocks.find((b) => b.id === 'cell')!.params = { tau_ref: '0.1 ms' };
    expect(compile(doc).warnings).toEqual([]);
  });
  it('warns where the run is too short for one step (it records the initial values only), and not from one step up', () => {
    const noStep = { field: 'run.duration', message: '0.04 ms is less than half a step (dt 0.1 ms): the run computes no step and records only the initial values' };
    expect(compile(net({ duration: '0.04 ms' })).warnings).toEqual([noStep]);
    expect(compile(net({ duration: '0 ms' })).warnings).toEqual([{ ...noStep, message: noStep.message.replace('0.04 ms', '0 ms') }]);
    expect(compile(net({ duration: '0.05 ms' })).steps).toBe(1); // rounds half away: one step
    expect(compile(net({ duration: '0.05 ms' })).warnings).toEqual([]);
  });
});

/**
 * Spike-times source (assets/docs/models.md, BrainPy SpikeTimeGroup): each listed (index, time) spike is
 * emitted in step round(time/dt) and stamped with that step's start time.
 */
import { describe, expect, it } from 'vitest';
import { compile } from '../../../src-main/compiler/compile.js';
import { makeDoc, runDoc } from '../../helpers/doc.js';

function doc(spikes: Array<[number, string]>, size = 3, dt = '0.1 ms', duration = '10 ms') {
  return makeDoc(
    [{ id: 'src', type: 'spike-times', size, params: { spikes } }, { id: 'sp', type: 'spike-probe' }],
    ['src.spikes -> sp.spikes'],
    { dt, duration },
  );
}

describe('Spike-times source', () => {
  it('emits each spike in step round(t/dt), sorted by step then neuron', () => {
    const list: Array<[number, string]> = [[2, '5 ms'], [0, '1.04 ms'], [1, '1.06 ms'], [0, '0 ms'], [1, '5 ms'], [0, '9.9 ms']];
    expect(runDoc(doc(list)).spikes.get('sp')).toEqual([[0, 0], [10, 0], [11, 1], [50, 1], [50, 2], [99, 0]]);
  });

  it('accepts other time units and follows dt', () => {
    const list: Array<[number, string]> = [[0, '0.002 s'], [1, '3000 us']];
    expect(runDoc(doc(list, 2, '0.5 ms')).spikes.get('sp')).toEqual([[4, 0], [6, 1]]);
  });

  it('emits a neuron once per step even when listed twice for it', () => {
    const list: Array<[number, string]> = [[0, '1 ms'], [0, '1.01 ms'], [0, '2 ms']];
    expect(runDoc(doc(list, 1)).spikes.get('sp')).toEqual([[10, 0], [20, 0]]);
  });

  it('ignores spikes after the end of the run', () => {
    expect(runDoc(doc([[0, '50 ms'], [0, '1 ms']], 1)).spikes.get('sp')).toEqual([[10, 0]]);
  });

  it('rejects a neuron index outside the block, naming the block', () => {
    expect(() => compile(doc([[3, '1 ms']], 3))).toThrow(/block "src".*neuron 3 is out of range \(size 3\)/s);
  });
});

/**
 * Regular source (assets/docs/models.md): one spike per period from `start`, in every neuron; times are
 * whole steps: first spike in step round(start/dt), period round(period/dt) (or round(1/rate/dt)),
 * at least one step.
 */
import { describe, expect, it } from 'vitest';
import { makeDoc, runDoc } from '../../helpers/doc.js';

function steps(params: Record<string, string>, duration = '100 ms', size = 1, dt = '0.1 ms') {
  const out = runDoc(makeDoc(
    [{ id: 'clock', type: 'regular', size, params }, { id: 'sp', type: 'spike-probe' }],
    ['clock.spikes -> sp.spikes'],
    { duration, dt },
  ));
  return out.spikes.get('sp') ?? [];
}

const onlySteps = (list: Array<[number, number]>) => list.map(([s]) => s);

describe('Regular source', () => {
  it('fires exactly every period from start', () => {
    expect(onlySteps(steps({ period: '20 ms', start: '10 ms' }))).toEqual([100, 300, 500, 700, 900]);
    expect(onlySteps(steps({ period: '25 ms' }))).toEqual([0, 250, 500, 750]);
  });

  it('derives the period from the rate and rounds it to whole steps', () => {
    // 30 Hz: 33.33 ms = 333.3 steps → 333.
    expect(onlySteps(steps({ rate: '30 Hz', start: '1 ms' }, '1000 ms'))).toEqual(Array.from({ length: 30 }, (_, k) => 10 + 333 * k));
    // A period given explicitly wins over the rate.
    expect(onlySteps(steps({ rate: '1000 Hz', period: '40 ms' }))).toEqual([0, 400, 800]);
  });

  it('rounds start and period to the nearest step, halves up (0.25 ms = 2.5 steps → 3)', () => {
    expect(onlySteps(steps({ period: '0.45 ms', start: '0.25 ms' }, '2 ms'))).toEqual([3, 8, 13, 18]);
    expect(onlySteps(steps({ period: '0.44 ms', start: '0.21 ms' }, '2 ms'))).toEqual([2, 6, 10, 14, 18]);
    // With another dt the same times fall on other steps: 20 ms from 10 ms at dt = 0.25 ms.
    expect(onlySteps(steps({ period: '20 ms', start: '10 ms' }, '100 ms', 1, '0.25 ms'))).toEqual([40, 120, 200, 280, 360]);
  });

  it('never uses a period under one step', () => {
    expect(onlySteps(steps({ period: '0.01 ms' }, '1 ms')).length).toBe(10);
  });

  it('fires all neurons of the block together', () => {
    const list = steps({ period: '30 ms', start: '5 ms' }, '100 ms', 3);
    expect(list).toEqual([50, 350, 650, 950].flatMap((s) => [[s, 0], [s, 1], [s, 2]]));
  });

  it('is silent with rate 0 and no period', () => {
    expect(steps({ rate: '0 Hz' })).toEqual([]);
  });
});

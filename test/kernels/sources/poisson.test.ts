/**
 * Poisson source (assets/docs/models.md): each neuron spikes in a step with probability rate·dt, drawn
 * from the counter-based generator keyed by (run seed, block, neuron, step), so the trains are
 * a pure function of those four and every engine can reproduce them.
 */
import { describe, expect, it } from 'vitest';
import { random24, randomStream } from '../../../kernels/random.js';
import { makeDoc, runDoc } from '../../helpers/doc.js';

function trains(size: number, rate: string, duration: string, seed: number, extraFirst = false) {
  const blocks = [
    { id: 'src', type: 'poisson', size, params: { rate } },
    { id: 'sp', type: 'spike-probe' },
    { id: 'rate', type: 'rate-probe', params: { bin: '100 ms' } },
  ];
  const edges = ['src.spikes -> sp.spikes', 'src.spikes -> rate.spikes'];
  if (extraFirst) {
    blocks.unshift({ id: 'other', type: 'poisson', size, params: { rate } });
    blocks.push({ id: 'sp2', type: 'spike-probe' });
    edges.push('other.spikes -> sp2.spikes');
  }
  const out = runDoc(makeDoc(blocks, edges, { duration, seed }));
  return { spikes: out.spikes.get('sp') ?? [], other: out.spikes.get('sp2') ?? [], rates: out.rates.get('rate') ?? [], out };
}

describe('Poisson source', () => {
  it('gives a mean count of rate·T per neuron within 4 standard deviations', () => {
    const [N, steps, p] = [200, 10000, 20 * 0.1 / 1000]; // 20 Hz, 1 s at 0.1 ms
    const { spikes, rates } = trains(N, '20 Hz', '1000 ms', 3);
    const mean = N * steps * p; // 4000
    const sd = Math.sqrt(N * steps * p * (1 - p));
    expect(Math.abs(spikes.length - mean)).toBeLessThan(4 * sd);
    // Per neuron: counts scatter like a binomial (variance ≈ mean: Fano factor near 1).
    const counts = new Array<number>(N).fill(0);
    for (const [, k] of spikes) counts[k]!++;
    const m = counts.reduce((a, b) => a + b, 0) / N;
    const v = counts.reduce((a, b) => a + (b - m) ** 2, 0) / (N - 1);
    expect(v / m).toBeGreaterThan(0.7);
    expect(v / m).toBeLessThan(1.3);
    // The rate probe agrees: 10 bins of 100 ms averaging to about 20 Hz.
    expect(rates.length).toBe(10);
    expect(rates.reduce((a, b) => a + b, 0) / 10).toBeCloseTo(spikes.length / N, 3);
  });

  it('has no refractoriness: inter-spike intervals are geometric (mean 1/p steps, many short)', () => {
    const { spikes } = trains(50, '200 Hz', '1000 ms', 5);
    const byNeuron = new Map<number, number[]>();
    for (const [s, k] of spikes) byNeuron.set(k, [...(byNeuron.get(k) ?? []), s]);
    const isi: number[] = [];
    for (const list of byNeuron.values()) for (let q = 1; q < list.length; q++) isi.push(list[q]! - list[q - 1]!);
    const mean = isi.reduce((a, b) => a + b, 0) / isi.length;
    expect(mean).toBeGreaterThan(50 * 0.9);
    expect(mean).toBeLessThan(50 * 1.1);
    // P(ISI = 1 step) = p = 0.02.
    const ones = isi.filter((x) => x === 1).length / isi.length;
    expect(ones).toBeGreaterThan(0.01);
    expect(ones).toBeLessThan(0.03);
  });

  it('is identical for the same seed and differs for another seed', () => {
    const a = trains(100, '20 Hz', '200 ms', 11).spikes;
    const b = trains(100, '20 Hz', '200 ms', 11).spikes;
    const c = trains(100, '20 Hz', '200 ms', 12).spikes;
    expect(a.length).toBeGreaterThan(0);
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
  });

  it('is keyed by (seed, block, neuron, step): independent of population size and run length', () => {
    const small = trains(5, '50 Hz', '100 ms', 9).spikes;
    const large = trains(50, '50 Hz', '300 ms', 9).spikes;
    expect(large.filter(([s, k]) => k < 5 && s < 1000)).toEqual(small);
    // Two blocks of the same document draw different trains.
    const two = trains(20, '50 Hz', '100 ms', 9, true);
    expect(two.other.length).toBeGreaterThan(0);
    expect(two.spikes).not.toEqual(two.other);
  });

  it('draws spike (k, i) as random24(seed, stream(block, 0), k, i) < f32(rate·dt)·2^24', () => {
    const { spikes, out } = trains(10, '100 Hz', '50 ms', 42);
    const blockIndex = out.plan.blocks.find((b) => b.id === 'src')!.index;
    const threshold = Math.fround(100 * 0.1 / 1000) * 16777216;
    const expected: Array<[number, number]> = [];
    for (let i = 0; i < 500; i++) {
      for (let k = 0; k < 10; k++) if (random24(42, randomStream(blockIndex, 0), k, i) < threshold) expected.push([i, k]);
    }
    expect(spikes).toEqual(expected);
  });

  it('is silent at 0 Hz', () => {
    expect(trains(100, '0 Hz', '100 ms', 1).spikes).toEqual([]);
  });
});

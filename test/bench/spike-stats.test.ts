/** The spike statistics of the literature bench and tests (bench/spike-stats.ts) on trains whose answer is known. */
import { describe, expect, it } from 'vitest';
import { meanIsiCv, meanRate, spectralPeak, synchrony } from '../../bench/spike-stats.js';

/** A small seeded generator (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Bernoulli spikes of n neurons over `steps` steps with probability p(step) per step. */
function bernoulli(n: number, steps: number, p: (step: number) => number, seed = 1): Array<[number, number]> {
  const u = rng(seed);
  const out: Array<[number, number]> = [];
  for (let s = 0; s < steps; s++) for (let k = 0; k < n; k++) if (u() < p(s)) out.push([s, k]);
  return out;
}

describe('spike statistics', () => {
  it('rate and ISI CV: about 1 for Poisson trains, 0 for clock-like ones', () => {
    const dt = 0.1, steps = 20000, n = 50;
    const poisson = bernoulli(n, steps, () => 0.002); // 20 Hz
    expect(meanRate(poisson, n, steps, dt)).toBeCloseTo(20, 0);
    expect(meanIsiCv(poisson, n)).toBeGreaterThan(0.95);
    expect(meanIsiCv(poisson, n)).toBeLessThan(1.05);
    const clock: Array<[number, number]> = [];
    for (let s = 0; s < steps; s += 500) for (let k = 0; k < n; k++) clock.push([s + k, k]);
    expect(meanIsiCv(clock, n)).toBe(0);
    expect(meanIsiCv([[1, 0], [2, 0]], 1)).toBeNaN(); // fewer than 3 spikes
  });

  it('spectral peak: the frequency of a modulated population rate', () => {
    const dt = 0.1, steps = 10000;
    const spikes = bernoulli(200, steps, (s) => 0.002 * (1 + Math.sin(2 * Math.PI * 40 * s * dt / 1000)), 3);
    expect(spectralPeak(spikes, steps, dt, { fMin: 5, fMax: 200 }).hz).toBe(40);
    expect(spectralPeak(spikes, steps, dt, { fMin: 5, fMax: 200, skipMs: 250 }).hz).toBe(40);
  });

  it('synchrony χ²: about 1/n for independent neurons, 1 for identical ones', () => {
    const dt = 0.1, steps = 20000, n = 100;
    const independent = bernoulli(n, steps, () => 0.002);
    expect(synchrony(independent, n, steps, dt)).toBeLessThan(3 / n);
    const shared = bernoulli(1, steps, () => 0.002, 5).flatMap(([s]) => Array.from({ length: n }, (_, k) => [s, k] as [number, number]));
    expect(synchrony(shared, n, steps, dt)).toBeCloseTo(1, 9);
  });
});

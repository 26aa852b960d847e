/**
 * Poisson drive (Brian2's PoissonInput; assets/docs/models.md, "Poisson drive"): K inputs of
 * rate ν onto every neuron, one binomial count per neuron and step, each input spike a jump
 * of w. Checked through an integrating LIF (tau of 1e9 ms, no threshold, no refractory
 * period), whose V(T) − V0 is w times the neuron's count over the run: mean w·K·p·n and
 * variance w²·n·K·p·(1 − p) for n steps, p = ν·dt, so the Fano factor of the counts is 1 − p.
 * The binomial draw itself is checked against the binomial distribution.
 */
import { describe, expect, it } from 'vitest';
import { binomial24, BINOMIAL_EXACT_MEAN } from '../../../kernels/binomial.js';
import { CompileError } from '../../../src-main/compiler/diagnostics.js';
import { makeDoc, runDoc } from '../../helpers/doc.js';

const INTEGRATOR = { V_rest: '0 mV', V_reset: '0 mV', V0: '0 mV', V_th: '1e12 mV', tau: '1e9 ms', tau_ref: '0 ms' };

function counts(K: number, rate: string, w: number, N: number, duration: string, seed = 2): number[] {
  const out = runDoc(makeDoc([
    { id: 'drive', type: 'poisson-input', params: { K, rate, w: `${w} mV` } },
    { id: 'cell', type: 'lif', size: N, params: INTEGRATOR },
    { id: 'V', type: 'state-probe', params: { state: 'V', interval: duration } },
  ], ['drive.J -> cell.J', 'cell.V -> V.target'], { duration, seed }));
  return out.traces.get('V')!.map((ch) => ch[1]! / w);
}

const mean = (x: number[]) => x.reduce((a, b) => a + b, 0) / x.length;
const variance = (x: number[]) => { const m = mean(x); return x.reduce((a, b) => a + (b - m) ** 2, 0) / (x.length - 1); };

describe('Poisson drive', () => {
  for (const [K, rateHz, label] of [[1000, 20, 'exact (K·p = 2, Brunel 2000)'], [5000, 60, 'normal approximation (K·p = 30)']] as const) {
    it(`gives counts of mean K·p·n and Fano factor 1 − p: ${label}`, () => {
      const [N, steps] = [500, 200];
      const p = rateHz * 0.1 / 1000;
      const c = counts(K, `${rateHz} Hz`, 0.25, N, `${steps * 0.1} ms`);
      for (const x of c) expect(Math.abs(x - Math.round(x))).toBeLessThan(1e-6); // whole counts
      const m = K * p * steps;
      const v = steps * K * p * (1 - p);
      expect(Math.abs(mean(c) - m)).toBeLessThan(4 * Math.sqrt(v / N));
      expect(Math.abs(variance(c) / mean(c) - (1 - p))).toBeLessThan(4 * Math.sqrt(2 / (N - 1)));
    });
  }

  it('refuses a rate above 1/dt, as the Poisson block', () => {
    expect(() => counts(10, '20 kHz', 0.1, 1, '1 ms')).toThrow(CompileError);
    expect(() => counts(10, '20 kHz', 0.1, 1, '1 ms')).toThrow(/rate can be at most 10000 Hz/);
  });
});

describe('binomial24', () => {
  /** P(X = x) of the binomial (n, p). */
  function pmf(n: number, p: number, x: number): number {
    let lg = 0;
    for (let k = 1; k <= x; k++) lg += Math.log((n - x + k) / k);
    return Math.exp(lg + x * Math.log(p) + (n - x) * Math.log1p(-p));
  }

  it('draws the binomial distribution exactly by inversion (chi-square, 200000 draws)', () => {
    const [n, p, draws] = [1000, 0.002, 200000];
    const hist = new Map<number, number>();
    for (let k = 0; k < draws; k++) {
      const x = binomial24(7, 3, k % 1000, Math.floor(k / 1000), n, p);
      hist.set(x, (hist.get(x) ?? 0) + 1);
    }
    // Classes 0…6 and ≥ 7: chi-square with 7 degrees of freedom; 99.99 % quantile 29.9.
    let chi2 = 0;
    let tail = 1;
    for (let x = 0; x <= 7; x++) {
      const prob = x < 7 ? pmf(n, p, x) : tail;
      tail -= x < 7 ? prob : 0;
      const got = x < 7 ? hist.get(x) ?? 0 : [...hist].filter(([k]) => k >= 7).reduce((a, [, c]) => a + c, 0);
      chi2 += (got - draws * prob) ** 2 / (draws * prob);
    }
    expect(chi2).toBeLessThan(29.9);
  });

  it('is 0 for no trials or p = 0, n for p = 1, and switches to the normal approximation above n·p = 16', () => {
    expect(binomial24(1, 1, 0, 0, 0, 0.5)).toBe(0);
    expect(binomial24(1, 1, 0, 0, 10, 0)).toBe(0);
    expect(binomial24(1, 1, 0, 0, 10, 1)).toBe(10);
    expect(BINOMIAL_EXACT_MEAN).toBe(16);
    const xs = Array.from({ length: 20000 }, (_, k) => binomial24(9, 1, k, 0, 100, 0.5));
    expect(Math.abs(mean(xs) - 50)).toBeLessThan(4 * 5 / Math.sqrt(20000));
    expect(Math.abs(variance(xs) / 25 - 1)).toBeLessThan(4 * Math.sqrt(2 / 20000));
    for (const x of xs) expect(Number.isInteger(x) && x >= 0 && x <= 100).toBe(true);
  });
});

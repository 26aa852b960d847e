/**
 * Noise currents (assets/docs/models.md, "Noise currents"), checked against their closed
 * forms on the CPU engine:
 * - white noise: a free LIF membrane driven by mean + sigma·ξ/√dt settles to the variance of
 *   the discrete Ornstein–Uhlenbeck process it then is, (1 − a)/(1 + a)·R²·sigma²/dt with
 *   a = e^(−dt/tau), which tends to R²·sigma²/(2·tau) for dt ≪ tau;
 * - Ornstein–Uhlenbeck: mean, variance sigma²·(1 − a^(2n)) after n steps from the mean,
 *   and autocorrelation a^L = e^(−L·dt/tau) at a lag of L steps;
 * - every neuron has its own stream (no correlation between neurons); targets of different
 *   sizes are refused.
 */
import { describe, expect, it } from 'vitest';
import { makeDoc, runDoc } from '../../helpers/doc.js';
import { CompileError } from '../../../src-main/compiler/diagnostics.js';

const FREE = { V_rest: '-65 mV', V_reset: '-65 mV', V_th: '1e9 mV', R: '2 Mohm', tau: '10 ms', tau_ref: '0 ms' };

const mean = (x: number[]) => x.reduce((a, b) => a + b, 0) / x.length;
const variance = (x: number[]) => { const m = mean(x); return x.reduce((a, b) => a + (b - m) ** 2, 0) / (x.length - 1); };
function correlation(x: number[], y: number[]): number {
  const mx = mean(x), my = mean(y);
  let sxy = 0, sxx = 0, syy = 0;
  for (let k = 0; k < x.length; k++) { sxy += (x[k]! - mx) * (y[k]! - my); sxx += (x[k]! - mx) ** 2; syy += (y[k]! - my) ** 2; }
  return sxy / Math.sqrt(sxx * syy);
}
/** The relative standard error of a sample variance of n normal values, times 4. */
const fourSigmaVar = (n: number) => 4 * Math.sqrt(2 / (n - 1));

describe('white-noise current', () => {
  it('drives a free membrane to the variance of its discretisation, ≈ R²·sigma²/(2·tau)', () => {
    const N = 2000;
    const out = runDoc(makeDoc([
      { id: 'noise', type: 'white-noise-current', params: { mean: '1.5 nA', sigma: '2 nA*ms^0.5' } },
      { id: 'cell', type: 'lif', size: N, params: FREE },
      { id: 'V', type: 'state-probe', params: { state: 'V', interval: '100 ms' } },
    ], ['noise.I -> cell.I', 'cell.V -> V.target'], { duration: '200 ms', seed: 11 }));
    const end = out.traces.get('V')!.map((ch) => ch[2]!); // t = 200 ms = 20 tau: stationary
    const [dt, tau, R, sigma] = [0.1, 10, 2, 2];
    const a = Math.exp(-dt / tau);
    const exact = ((1 - a) / (1 + a)) * R * R * sigma * sigma / dt;
    expect(Math.abs(exact - (R * R * sigma * sigma) / (2 * tau)) / exact).toBeLessThan(1e-5); // the continuous limit
    expect(Math.abs(variance(end) / exact - 1)).toBeLessThan(fourSigmaVar(N));
    // The mean settles at V_rest + R·mean, within 4 standard errors.
    expect(Math.abs(mean(end) - (-65 + R * 1.5))).toBeLessThan(4 * Math.sqrt(exact / N));
  });

  it('gives every neuron its own stream, and the same one for the same seed', () => {
    const run = (seed: number) => runDoc(makeDoc([
      { id: 'noise', type: 'white-noise-current', params: { sigma: '1 nA*ms^0.5' } },
      { id: 'cell', type: 'lif', size: 2, params: FREE },
      { id: 'V', type: 'state-probe', params: { state: 'V' } },
    ], ['noise.I -> cell.I', 'cell.V -> V.target'], { duration: '500 ms', seed })).traces.get('V')!;
    const [v0, v1] = run(3);
    // 5000 samples of a process with correlation time 10 ms (100 samples): ~50 independent ones.
    expect(Math.abs(correlation(v0!, v1!))).toBeLessThan(4 / Math.sqrt(50));
    expect(run(3)).toEqual([v0, v1]);
    expect(run(4)[0]).not.toEqual(v0);
  });
});

describe('Ornstein–Uhlenbeck current', () => {
  const N = 1000;
  const [dt, tau, sigma, mu] = [0.1, 2, 3, 0.5];
  const a = Math.exp(-dt / tau);
  const traces = () => runDoc(makeDoc([
    { id: 'ou', type: 'ou-current', params: { mean: `${mu} nA`, sigma: `${sigma} nA`, tau: `${tau} ms` } },
    { id: 'cell', type: 'lif', size: N, params: FREE },
    { id: 'I', type: 'state-probe', params: { state: 'I' } },
  ], ['ou.I -> cell.I', 'ou.I -> I.target'], { duration: '60 ms', seed: 5 })).traces.get('I')!;

  it('takes its size from its target and starts at the mean', () => {
    const I = traces();
    expect(I.length).toBe(N);
    for (const ch of I) expect(ch[0]).toBe(mu);
  });

  it('has the mean, the variance sigma²·(1 − a^(2n)) and the autocorrelation e^(−lag/tau) of the process', () => {
    const I = traces();
    const at = (n: number) => I.map((ch) => ch[n]!);
    // Early, the variance still grows from 0: n = 10 steps (half a tau).
    const early = variance(at(10));
    const grown = sigma * sigma * (1 - a ** 20);
    expect(Math.abs(early / grown - 1)).toBeLessThan(fourSigmaVar(N));
    // Stationary from ~10 tau on (200 steps): mean, variance, correlation at lags of 5, 20, 40 steps.
    const n0 = 300;
    expect(Math.abs(mean(at(n0)) - mu)).toBeLessThan(4 * sigma / Math.sqrt(N));
    expect(Math.abs(variance(at(n0)) / (sigma * sigma) - 1)).toBeLessThan(fourSigmaVar(N));
    for (const lag of [5, 20, 40]) {
      const rho = a ** lag;
      const got = correlation(at(n0), at(n0 + lag));
      expect(Math.abs(got - rho), `lag ${lag}: ${got} vs ${rho}`).toBeLessThan(4 * (1 - rho * rho) / Math.sqrt(N) + 0.01);
    }
  });
});

describe('per-target sources', () => {
  it('refuse targets of different sizes, naming the block and the sizes', () => {
    const doc = makeDoc([
      { id: 'noise', type: 'white-noise-current' },
      { id: 'a', type: 'lif', size: 10 },
      { id: 'b', type: 'lif', size: 20 },
    ], ['noise.I -> a.I', 'noise.I -> b.I']);
    let error: unknown;
    try { runDoc(doc); } catch (e) { error = e; }
    expect(error).toBeInstanceOf(CompileError);
    expect((error as Error).message).toContain('block "noise"');
    expect((error as Error).message).toContain('"a" has 10, "b" has 20');
  });

  it("give targets of one size the same values, neuron k the source's element k", () => {
    const out = runDoc(makeDoc([
      { id: 'noise', type: 'white-noise-current', params: { sigma: '1 nA*ms^0.5' } },
      { id: 'a', type: 'lif', size: 3, params: FREE },
      { id: 'b', type: 'lif', size: 3, params: FREE },
      { id: 'va', type: 'state-probe', params: { state: 'V' } },
      { id: 'vb', type: 'state-probe', params: { state: 'V' } },
    ], ['noise.I -> a.I', 'noise.I -> b.I', 'a.V -> va.target', 'b.V -> vb.target'], { duration: '5 ms' }));
    expect(out.traces.get('vb')).toEqual(out.traces.get('va'));
    expect(out.traces.get('va')![1]).not.toEqual(out.traces.get('va')![0]);
  });
});

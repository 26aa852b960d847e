/**
 * Inhomogeneous Poisson source (assets/docs/models.md, "Spike sources"): each neuron spikes in
 * step i with probability rate(t_i)·dt, the rate an expression of t with units. The count of
 * N neurons is binomial-like with mean N·Σ_i rate(t_i)·dt (the integral of the rate on the
 * step grid); a rate outside 0…1/dt at any step of the run, a wrong dimension or an unknown
 * name is refused.
 */
import { describe, expect, it } from 'vitest';
import { CompileError } from '../../../src-main/compiler/diagnostics.js';
import { makeDoc, runDoc } from '../../helpers/doc.js';

function run(rate: string, N: number, duration: string, seed = 1) {
  return runDoc(makeDoc([
    { id: 'src', type: 'inhomogeneous-poisson', size: N, params: { rate } },
    { id: 'sp', type: 'spike-probe' },
  ], ['src.spikes -> sp.spikes'], { duration, seed })).spikes.get('sp') ?? [];
}

describe('inhomogeneous Poisson source', () => {
  it('spikes N·∫rate dt times, bin by bin', () => {
    const [N, dt, steps] = [2000, 0.1, 1000];
    const rate = (t: number) => 50 * (1 + Math.sin((2 * Math.PI * t) / 20)); // Hz, t in ms
    const spikes = run('50 Hz * (1 + sin(2 * pi * t / (20 ms)))', N, '100 ms');
    // 20 bins of 5 ms (a quarter period): counts against their expectation within 4 sd.
    for (let bin = 0; bin < 20; bin++) {
      let m = 0, v = 0;
      for (let i = bin * 50; i < (bin + 1) * 50; i++) { const p = rate(i * dt) * dt / 1000; m += N * p; v += N * p * (1 - p); }
      const got = spikes.filter(([s]) => s >= bin * 50 && s < (bin + 1) * 50).length;
      expect(Math.abs(got - m), `bin ${bin}: ${got} vs ${m.toFixed(1)}`).toBeLessThan(4 * Math.sqrt(v) + 1);
    }
    expect(spikes.every(([s, k]) => s >= 0 && s < steps && k >= 0 && k < N)).toBe(true);
  });

  it('accepts any unit of rate and time in the expression', () => {
    const a = run('(20 Hz) * t / (50 ms)', 500, '50 ms', 4);
    const b = run('0.02 kHz * t / (0.05 s)', 500, '50 ms', 4);
    expect(b).toEqual(a);
    expect(a.length).toBeGreaterThan(0);
  });

  it('refuses a rate above 1/dt at some step, naming the time', () => {
    const refused = () => run('5 kHz + 6 kHz * sin(2 * pi * t / (20 ms))', 1, '20 ms');
    expect(refused).toThrow(CompileError);
    expect(refused).toThrow(/block "src".*probability of 1\.007 per step at t = 3\.2 ms \(step 32\)/);
    expect(refused).toThrow(/between 0 and 10000 Hz/);
    // The same expression over a run that stops before the rate exceeds 1/dt is accepted.
    expect(() => run('5 kHz + 6 kHz * sin(2 * pi * t / (20 ms))', 1, '3 ms')).not.toThrow();
  });

  it('refuses a negative rate, a rate without its unit, a wrong dimension and unknown names', () => {
    expect(() => run('10 Hz - 1 Hz * t / ms', 1, '20 ms')).toThrow(/probability of -0\.00001 per step at t = 10\.1 ms/);
    expect(() => run('20', 1, '1 ms')).toThrow(/parameter "rate".*expected a rate/);
    expect(() => run('20 ms', 1, '1 ms')).toThrow(/is a time \(ms\), expected a rate/);
    expect(() => run('20 Hz * x', 1, '1 ms')).toThrow(/unknown name "x"/);
    expect(() => run('20 Hz * rand()', 1, '1 ms')).toThrow(/must not draw random numbers/);
  });
});

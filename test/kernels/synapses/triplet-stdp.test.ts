/**
 * Triplet STDP (Pfister & Gerstner 2006, all-to-all), checked against the paper's closed
 * form over spike trains, in double precision: at a post spike f, Δw = w_max·r1(t_f)·(A2+ +
 * A3+·o2(t_f−)), at a pre arrival k, Δw = −w_max·o1(t_k−)·(A2− + A3−·r2(t_k−)), each trace the
 * sum of e^(−Δt/τ) over the earlier spikes of its side (r1 including a pre spike of the same
 * step: on_pre runs first). And the published frequency dependence of the minimal
 * visual-cortex model: pairings at low frequency depress, at high frequency potentiate.
 */
import { describe, expect, it } from 'vitest';
import { DT, runPlastic } from './plastic-helpers.js';

const P = { tau_plus: 16.8, tau_x: 101, tau_minus: 33.7, tau_y: 125, A2_plus: 0, A3_plus: 6.5e-3, A2_minus: 7.1e-3, A3_minus: 0 };
const W_MAX = 0.01;
const W0 = Math.fround(0.005);

const trace = (spikes: number[], at: number, tau: number, strict: boolean) =>
  spikes.filter((s) => (strict ? s < at : s <= at)).reduce((sum, s) => sum + Math.exp(-((at - s) * DT) / tau), 0);

function triplet(pre: number[], post: number[], p = P): number {
  let w = W0;
  for (const f of post) w += W_MAX * trace(pre, f, p.tau_plus, false) * (p.A2_plus + p.A3_plus * trace(post, f, p.tau_y, true));
  for (const k of pre) w -= W_MAX * trace(post, k, p.tau_minus, true) * (p.A2_minus + p.A3_minus * trace(pre, k, p.tau_x, true));
  return w;
}

/** n pairings at `hz`, post `lagSteps` after pre (negative: before). */
function pairings(n: number, hz: number, lagSteps: number): { pre: number[]; post: number[] } {
  const period = Math.round(1000 / hz / DT);
  const pre = Array.from({ length: n }, (_, k) => 100 + k * period + Math.max(0, -lagSteps));
  return { pre, post: pre.map((s) => s + lagSteps) };
}

describe('triplet STDP', () => {
  it('equals the closed form over spike trains (all four amplitudes on)', () => {
    const full = { ...P, A2_plus: 5e-3, A3_minus: 2.3e-4 };
    const pre = [[40, 210, 230, 600], [150, 160, 500]];
    const post = [100, 220, 240, 520, 700];
    const { weights, postSteps } = runPlastic('triplet-stdp', full, pre, post, W0, 800);
    expect(postSteps).toEqual(post);
    pre.forEach((list, i) => expect(weights[i], `connection ${i}`).toBeCloseTo(triplet(list, post, full), 14));
  });

  it('minimal visual-cortex model: LTD at 1 Hz (post 10 ms before pre), LTP at 50 Hz either way', () => {
    const slow = pairings(5, 1, -100);
    const depressed = runPlastic('triplet-stdp', {}, [slow.pre], slow.post, W0, slow.pre.at(-1)! + 10).weights[0]!;
    expect(depressed).toBeCloseTo(triplet(slow.pre, slow.post), 14);
    expect(depressed).toBeLessThan(W0);
    for (const lag of [100, -100]) {
      const fast = pairings(10, 50, lag);
      const w = runPlastic('triplet-stdp', {}, [fast.pre], fast.post, W0, Math.max(fast.pre.at(-1)!, fast.post.at(-1)!) + 10).weights[0]!;
      expect(w, `lag ${lag}`).toBeCloseTo(triplet(fast.pre, fast.post), 14);
      expect(w, `lag ${lag}`).toBeGreaterThan(W0);
    }
  });
});

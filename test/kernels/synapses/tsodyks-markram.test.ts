/**
 * Short-term plasticity (Tsodyks & Markram 1997; Markram et al. 1998): the amount each
 * presynaptic spike delivers to g equals w·u_n·x_n from the recursion
 * u_{n+1} = U + u_n(1 − U)e^(−Δ/τ_facil), x_{n+1} = 1 + (x_n − u_n·x_n − 1)e^(−Δ/τ_rec),
 * u_1 = U, x_1 = 1 (NEST's tsodyks2_synapse), computed here in double precision. The jump is
 * read from g step by step: g(after step s) − g(after step s − 1)·e^(−dt/τ).
 */
import { describe, expect, it } from 'vitest';
import { compile } from '../../../src-main/compiler/compile.js';
import { Simulation } from '../../../src-main/engines/cpu/simulation.js';
import { makeDoc } from '../../helpers/doc.js';
import { DT, stateArray } from './plastic-helpers.js';

const W = Math.fround(0.002);
const TAU = 3;

function recursion(steps: number[], U: number, tauRec: number, tauFacil: number): number[] {
  const out: number[] = [];
  let u = U;
  let x = 1;
  steps.forEach((s, n) => {
    if (n > 0) {
      const d = (s - steps[n - 1]!) * DT;
      const fu = tauFacil > 0 ? Math.exp(-d / tauFacil) : 0;
      const nu = U + u * (1 - U) * fu;
      x = 1 + (x - u * x - 1) * Math.exp(-d / tauRec);
      u = nu;
    }
    out.push(W * u * x);
  });
  return out;
}

function delivered(steps: number[], params: Record<string, unknown>): number[] {
  const doc = makeDoc([
    { id: 'pre', type: 'spike-times', size: 1, params: { spikes: steps.map((s) => [0, `${(s * DT).toFixed(1)} ms`]) } },
    { id: 'syn', type: 'tsodyks-markram', params: { output: 'current', tau: `${TAU} ms`, ...params }, connection: { rule: 'all-to-all', weight: `${W} nA` } },
    { id: 'cell', type: 'lif', size: 1 },
    { id: 'g', type: 'state-probe', params: { state: 'g' } }, // probed: g's update stays in its own pass
  ], ['pre.spikes -> syn.pre', 'syn.post -> cell.I', 'syn.post -> g.target'], { duration: `${((steps.at(-1)! + 5) * DT).toFixed(1)} ms` });
  const plan = compile(doc);
  const sim = new Simulation(plan);
  const g = stateArray(plan, sim, 'syn', 'g');
  const decay = Math.exp(-DT / TAU);
  const jumps: number[] = [];
  let before = 0;
  for (let i = 0; i < plan.steps; i++) {
    sim.advance(1);
    if (steps.includes(i)) jumps.push(g[0]! - before * decay);
    before = g[0]!;
  }
  return jumps;
}

describe('Tsodyks–Markram synapse', () => {
  const train = [50, 250, 450, 650, 850, 2850]; // 20 Hz, then a recovery after 200 ms

  it('depression (U = 0.5, τ_rec = 800 ms, no facilitation): the recursion, amplitudes falling', () => {
    const got = delivered(train, { U: 0.5, tau_rec: '800 ms', tau_facil: '0 ms' });
    const want = recursion(train, 0.5, 800, 0);
    got.forEach((v, n) => expect(v, `spike ${n}`).toBeCloseTo(want[n]!, 15));
    expect(got[0]).toBeCloseTo(0.5 * W, 15);
    for (let n = 1; n < 5; n++) expect(got[n]!).toBeLessThan(got[n - 1]!);
    expect(got[5]!).toBeGreaterThan(got[4]!); // recovered in part
  });

  it('facilitation (U = 0.1, τ_rec = 100 ms, τ_facil = 1000 ms): the recursion, amplitudes rising', () => {
    const got = delivered(train, { U: 0.1, tau_rec: '100 ms', tau_facil: '1000 ms' });
    const want = recursion(train, 0.1, 100, 1000);
    got.forEach((v, n) => expect(v, `spike ${n}`).toBeCloseTo(want[n]!, 15));
    expect(got[1]!).toBeGreaterThan(got[0]!);
    expect(got[2]!).toBeGreaterThan(got[1]!);
  });
});

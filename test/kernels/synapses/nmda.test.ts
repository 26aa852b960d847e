/**
 * NMDA synapse with Mg block (assets/docs/models.md, brainpy_state BioNMDA). Per step:
 * x ← exp. Euler of dx/dt = alpha2·TT·(1 − x) − beta2·x; then
 * g ← exp. Euler of dg/dt = alpha1·x·(1 − g) − beta1·g with the NEW x;
 * I_j = Σ_i w_ij·g_i·(E − V_j)/(1 + cc_Mg/b_Mg·exp(−a_Mg·V_j)).
 */
import { describe, expect, it } from 'vitest';
import { makeDoc, runDoc } from '../../helpers/doc.js';
import { lifReference, maxRelError } from '../../helpers/numeric.js';

const DT = 0.1;
const [A1, B1, A2, B2, T, P] = [2, 0.01, 1, 0.5, 1, 5];
const [CC, A_MG, B_MG] = [1.2, 0.062, 3.57];

function run(vRest: number, spikes: Array<[number, string]> = [[0, '1 ms']], duration = '60 ms') {
  return runDoc(makeDoc(
    [
      { id: 'src', type: 'spike-times', size: 1, params: { spikes } },
      { id: 'syn', type: 'nmda', connection: { weight: '0.5 uS' } },
      { id: 'cell', type: 'lif', size: 1, params: { V_rest: `${vRest} mV`, V_reset: `${vRest} mV`, V_th: '1e6 mV', R: '1 Mohm', tau: '20 ms', tau_ref: '0 ms' } },
      { id: 'g', type: 'state-probe', params: { state: 'g' } },
      { id: 'x', type: 'state-probe', params: { state: 'x' } },
      { id: 'V', type: 'state-probe', params: { state: 'V' } },
    ],
    ['src.spikes -> syn.pre', 'syn.post -> cell.I', 'syn.post -> g.target', 'syn.post -> x.target', 'cell.V -> V.target'],
    { duration },
  ));
}

/** The recursion of assets/docs/models.md in double precision; `newX` false uses the old x (a wrong order). */
function reference(steps: number, spikeSteps: number[], newX = true): { x: number[]; g: number[] } {
  let x = 0;
  let g = 0;
  let last = -1e9;
  const xs = [x];
  const gs = [g];
  for (let i = 0; i < steps; i++) {
    if (spikeSteps.includes(i)) last = i;
    const TT = i - last < P ? T : 0;
    const kx = A2 * TT + B2;
    const xNew = (A2 * TT) / kx + (x - (A2 * TT) / kx) * Math.exp(-DT * kx);
    const xg = newX ? xNew : x;
    const kg = A1 * xg + B1;
    g = (A1 * xg) / kg + (g - (A1 * xg) / kg) * Math.exp(-DT * kg);
    x = xNew;
    xs.push(x);
    gs.push(g);
  }
  return { x: xs, g: gs };
}

const mgBlock = (v: number) => 1 + (CC / B_MG) * Math.exp(-A_MG * v);

describe('NMDA synapse', () => {
  it('x rises in closed form during the pulse and decays with beta2 after it', () => {
    const x = run(-65).traces.get('x')![0]!;
    const kx = A2 * T + B2;
    const xInf = (A2 * T) / kx;
    const s = 10;
    const expected: number[] = [];
    for (let n = 1; s + n < x.length; n++) {
      expected.push(n <= P ? xInf * (1 - Math.exp(-kx * n * DT)) : xInf * (1 - Math.exp(-kx * P * DT)) * Math.exp(-B2 * (n - P) * DT));
    }
    expect(x.slice(0, s + 1).every((v) => v === 0)).toBe(true);
    expect(maxRelError(x.slice(s + 1), expected, 1e-4)).toBeLessThan(1e-6);
  });

  it('g follows the recursion driven by the new x (x then g)', () => {
    const out = run(-65, [[0, '1 ms'], [0, '20 ms']]);
    const g = out.traces.get('g')![0]!;
    const ref = reference(g.length - 1, [10, 200]);
    expect(maxRelError(g, ref.g, 1e-4)).toBeLessThan(1e-6);
    // Driving g with the old x instead would be visibly different.
    const wrong = reference(g.length - 1, [10, 200], false);
    expect(maxRelError(g, wrong.g, 1e-4)).toBeGreaterThan(1e-3);
    // Slow decay: about 1/beta1 = 100 ms, so g is still above half its peak 40 ms later.
    const peak = Math.max(...g);
    expect(g.at(-1)!).toBeGreaterThan(0.5 * peak);
  });

  it('applies the Mg block to the current: I = w·g·(E − V)/(1 + cc_Mg/b_Mg·exp(−a_Mg·V))', () => {
    for (const vRest of [-65, -20]) {
      const out = run(vRest);
      const g = out.traces.get('g')![0]!;
      const V = out.traces.get('V')![0]!;
      const predict = (block: boolean) => lifReference({
        vRest, tau: 20, dt: DT, steps: g.length - 1,
        current: (i, v) => (0.5 * g[i + 1]! * (0 - v)) / (block ? mgBlock(v) : 1),
      });
      expect(maxRelError(V, predict(true)), `V_rest ${vRest}`).toBeLessThan(1e-6);
      expect(maxRelError(V, predict(false)), `V_rest ${vRest}`).toBeGreaterThan(1e-3);
    }
  });

  it('the block is strong at rest and relieved by depolarisation', () => {
    expect(mgBlock(-65)).toBeCloseTo(19.94, 1);
    expect(mgBlock(-20)).toBeCloseTo(2.16, 2);
    // Per unit driving force the cell at −20 mV receives about 9 × the current of the cell at −65 mV.
    const dep = (vRest: number) => {
      const V = run(vRest).traces.get('V')![0]!;
      return (Math.max(...V) - vRest) / (0 - vRest);
    };
    expect(dep(-20) / dep(-65)).toBeGreaterThan(7);
  });
});

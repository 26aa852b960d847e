/**
 * Dual-exponential synapse (assets/docs/models.md, brainmodels DualExpCOBA): per step
 * g ← exponential Euler towards h·tau_decay with tau_decay (old h); h ← h·exp(−dt/tau_rise);
 * then h ← h + Σ w·spikes. With ed = exp(−dt/tau_decay), er = exp(−dt/tau_rise) and n steps
 * after the spike step: h_n = w·er^n and
 *   g_n = (1 − ed)·tau_decay·w·(ed^n − er^n)/(ed − er),
 * the discrete twin of w·tau_d·tau_r/(tau_d − tau_r)·(exp(−t/tau_d) − exp(−t/tau_r)).
 */
import { describe, expect, it } from 'vitest';
import { makeDoc, runDoc } from '../../helpers/doc.js';
import { lifReference, maxRelError } from '../../helpers/numeric.js';

const DT = 0.1;
const QUIET = { V_rest: '-65 mV', V_reset: '-65 mV', V_th: '1e6 mV', R: '1 Mohm', tau: '10 ms', tau_ref: '0 ms' };

function run(tr: number, td: number, w: number, spikes: Array<[number, string]>, output: 'current' | 'conductance' = 'current', E = 0, dt = DT) {
  const unit = output === 'current' ? 'nA' : 'uS';
  return runDoc(makeDoc(
    [
      { id: 'src', type: 'spike-times', size: 1, params: { spikes } },
      { id: 'syn', type: 'dual-exponential', params: { tau_rise: `${tr} ms`, tau_decay: `${td} ms`, E: `${E} mV`, output }, connection: { weight: `${w} ${unit}` } },
      { id: 'cell', type: 'lif', size: 1, params: QUIET },
      { id: 'g', type: 'state-probe', params: { state: 'g' } },
      { id: 'h', type: 'state-probe', params: { state: 'h' } },
      { id: 'V', type: 'state-probe', params: { state: 'V' } },
    ],
    ['src.spikes -> syn.pre', 'syn.post -> cell.I', 'syn.post -> g.target', 'syn.post -> h.target', 'cell.V -> V.target'],
    { duration: '60 ms', dt: `${dt} ms` },
  ));
}

describe('dual-exponential synapse', () => {
  it('follows its analytic discrete solution after one spike', () => {
    const [tr, td, w] = [1, 10, 0.1];
    const out = run(tr, td, w, [[0, '2 ms']]);
    const g = out.traces.get('g')![0]!;
    const h = out.traces.get('h')![0]!;
    const ed = Math.exp(-DT / td);
    const er = Math.exp(-DT / tr);
    const s = 20;
    for (let k = 0; k <= s; k++) expect(g[k]).toBe(0);
    const eg: number[] = [];
    const eh: number[] = [];
    for (let n = 0; s + 1 + n < g.length; n++) {
      eg.push((1 - ed) * td * w * (ed ** n - er ** n) / (ed - er));
      eh.push(w * er ** n);
    }
    expect(maxRelError(g.slice(s + 1), eg, 1e-4)).toBeLessThan(1e-6);
    expect(maxRelError(h.slice(s + 1), eh, 1e-4)).toBeLessThan(1e-6);
  });

  it('converges to the continuous difference of exponentials as dt shrinks (first order)', () => {
    const [tr, td, w] = [1, 10, 1];
    const cont = (t: number) => w * td * tr / (td - tr) * (Math.exp(-t / td) - Math.exp(-t / tr));
    const tPeak = (td * tr / (td - tr)) * Math.log(td / tr); // 2.558 ms
    const peak = cont(tPeak); // 0.774: g carries an extra ms (h jumps by the bare weight)
    const errorAt = (dt: number) => {
      const g = run(tr, td, w, [[0, '2 ms']], 'current', 0, dt).traces.get('g')![0]!;
      const s = Math.round(2 / dt);
      let worst = 0;
      for (let n = 0; s + 1 + n < g.length; n++) worst = Math.max(worst, Math.abs(g[s + 1 + n]! - cont(n * dt)));
      const at = g.indexOf(Math.max(...g)) - (s + 1);
      return { worst, at: at * dt };
    };
    const coarse = errorAt(0.1);
    const fine = errorAt(0.01);
    // g integrates the start-of-step h while h decays within the step: about dt/(2·tau_rise) high.
    expect(coarse.worst).toBeLessThan(0.06 * peak);
    expect(fine.worst).toBeLessThan(0.006 * peak);
    expect(coarse.worst / fine.worst).toBeGreaterThan(8);
    expect(coarse.worst / fine.worst).toBeLessThan(12);
    expect(Math.abs(fine.at - tPeak)).toBeLessThanOrEqual(0.01 + 1e-9);
    expect(Math.abs(coarse.at - tPeak)).toBeLessThanOrEqual(0.1 + 1e-9);
  });

  it('conductance output: I = g·(E − V) with g in µS·ms read as µS', () => {
    const out = run(1, 10, 0.1, [[0, '2 ms'], [0, '5 ms']], 'conductance', 0);
    const g = out.traces.get('g')![0]!;
    const V = out.traces.get('V')![0]!;
    const ev = lifReference({ vRest: -65, tau: 10, dt: DT, steps: g.length - 1, current: (i, v) => g[i + 1]! * (0 - v) });
    expect(maxRelError(V, ev)).toBeLessThan(1e-6);
    expect(out.plan.probes.find((p) => p.id === 'g')).toMatchObject({ unit: 'µS·ms' });
  });

  it('is inhibitory with E below V', () => {
    const V = run(1, 10, 0.1, [[0, '2 ms']], 'conductance', -80).traces.get('V')![0]!;
    expect(Math.min(...V)).toBeLessThan(-65.5);
    expect(Math.max(...V)).toBe(-65);
  });
});

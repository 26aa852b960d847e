/**
 * AMPA synapse (assets/docs/models.md): on a presynaptic spike the arrival time is set; for
 * P = round(T_dur/dt) steps the transmitter is TT = T, otherwise 0; g follows
 * dg/dt = alpha·TT·(1 − g) − beta·g by exponential Euler. With k = alpha·T + beta and
 * g_inf = alpha·T/k, starting from 0 the pulse gives g_n = g_inf·(1 − exp(−k·n·dt)) for
 * n = 1…P, then pure decay g_{P+m} = g_P·exp(−beta·m·dt). State per presynaptic neuron; the
 * current into j is Σ_i w_ij·g_i·(E − V_j).
 */
import { describe, expect, it } from 'vitest';
import { makeDoc, runDoc } from '../../helpers/doc.js';
import { lifReference, maxRelError } from '../../helpers/numeric.js';

const DT = 0.1;
const QUIET = { V_rest: '-65 mV', V_reset: '-65 mV', V_th: '1e6 mV', R: '1 Mohm', tau: '10 ms', tau_ref: '0 ms' };

function run(spikes: Array<[number, string]>, params: Record<string, string> = {}, connection: Record<string, unknown> = { weight: '1 uS' }, postSize = 1) {
  return runDoc(makeDoc(
    [
      { id: 'src', type: 'spike-times', size: 1, params: { spikes } },
      { id: 'syn', type: 'ampa', params, connection },
      { id: 'cell', type: 'lif', size: postSize, params: QUIET },
      { id: 'g', type: 'state-probe', params: { state: 'g' } },
      { id: 'V', type: 'state-probe', params: { state: 'V' } },
    ],
    ['src.spikes -> syn.pre', 'syn.post -> cell.I', 'syn.post -> g.target', 'cell.V -> V.target'],
    { duration: '30 ms' },
  ));
}

describe('AMPA synapse', () => {
  it('rises in closed form during the constant transmitter pulse, then decays with beta', () => {
    const [alpha, beta, T] = [0.98, 0.18, 0.5];
    const g = run([[0, '1 ms']]).traces.get('g')![0]!;
    const k = alpha * T + beta;
    const gInf = (alpha * T) / k;
    const P = 5; // round(0.5 ms / 0.1 ms)
    const s = 10;
    for (let n = 0; n <= s; n++) expect(g[n]).toBe(0);
    const expected: number[] = [];
    for (let n = 1; s + n < g.length; n++) {
      expected.push(n <= P ? gInf * (1 - Math.exp(-k * n * DT)) : gInf * (1 - Math.exp(-k * P * DT)) * Math.exp(-beta * (n - P) * DT));
    }
    expect(maxRelError(g.slice(s + 1), expected, 1e-4)).toBeLessThan(1e-6);
    // Peak at the end of the pulse: t = t_s + T_dur, value 0.2082.
    expect(g.indexOf(Math.max(...g))).toBe(s + P);
    expect(Math.max(...g)).toBeCloseTo(0.20820, 4);
  });

  it('counts T_dur in whole steps: 0.26 ms is 3 steps', () => {
    const g = run([[0, '1 ms']], { T_dur: '0.26 ms' }).traces.get('g')![0]!;
    const k = 0.98 * 0.5 + 0.18;
    expect(g.indexOf(Math.max(...g))).toBe(13);
    expect(g[13]).toBeCloseTo((0.49 / k) * (1 - Math.exp(-k * 3 * DT)), 6);
  });

  it('a spike during the pulse restarts it (arrival time is the latest spike)', () => {
    const g = run([[0, '1 ms'], [0, '1.3 ms']]).traces.get('g')![0]!;
    const k = 0.98 * 0.5 + 0.18;
    // TT = T in steps 10 … 17 (13 + 5 − 1): 8 steps of uninterrupted rise.
    expect(g.indexOf(Math.max(...g))).toBe(18);
    expect(g[18]).toBeCloseTo((0.49 / k) * (1 - Math.exp(-k * 8 * DT)), 6);
  });

  it('sends I_j = w_ij·g·(E − V_j) to each postsynaptic neuron with its own weight', () => {
    const out = run([[0, '1 ms']], {}, { rule: 'pairs', pairs: [[0, 0], [0, 1]], weight: { dist: 'uniform', low: '0.5 uS', high: '3 uS' } }, 2);
    const w = out.plan.projections[0]!.byPre.w;
    expect(w[0]).not.toBe(w[1]);
    const g = out.traces.get('g')![0]!;
    for (const j of [0, 1]) {
      const V = out.traces.get('V')![j]!;
      const ev = lifReference({ vRest: -65, tau: 10, dt: DT, steps: g.length - 1, current: (i, v) => 1 * w[j]! * g[i + 1]! * (0 - v) });
      expect(maxRelError(V, ev)).toBeLessThan(1e-6);
    }
    // The larger weight depolarises more.
    const peak = (j: number) => Math.max(...out.traces.get('V')![j]!);
    expect(Math.sign(peak(1) - peak(0))).toBe(Math.sign(w[1]! - w[0]!));
  });

  it('keeps one state per presynaptic neuron and sums them through the weights: I = Σ_i w_i·g_i·(E − V)', () => {
    const out = runDoc(makeDoc(
      [
        { id: 'src', type: 'spike-times', size: 2, params: { spikes: [[0, '1 ms'], [1, '3 ms']] } },
        { id: 'syn', type: 'ampa', connection: { rule: 'pairs', pairs: [[0, 0], [1, 0]], weight: { dist: 'uniform', low: '0.5 uS', high: '2 uS' } } },
        { id: 'cell', type: 'lif', size: 1, params: QUIET },
        { id: 'g', type: 'state-probe', params: { state: 'g' } },
        { id: 'V', type: 'state-probe', params: { state: 'V' } },
      ],
      ['src.spikes -> syn.pre', 'syn.post -> cell.I', 'syn.post -> g.target', 'cell.V -> V.target'],
      { duration: '20 ms' },
    ));
    const [g0, g1] = out.traces.get('g')!;
    // Neuron 1's state only starts at its own spike; each follows the single-spike closed form.
    expect(g1!.slice(0, 31).every((x) => x === 0)).toBe(true);
    expect(g0![15]).toBeCloseTo(g1![35]!, 6);
    const { byPre } = out.plan.projections[0]!;
    const w = [byPre.w[byPre.ptr[0]!]!, byPre.w[byPre.ptr[1]!]!];
    const V = out.traces.get('V')![0]!;
    const ev = lifReference({ vRest: -65, tau: 10, dt: DT, steps: V.length - 1, current: (i, v) => (w[0]! * g0![i + 1]! + w[1]! * g1![i + 1]!) * (0 - v) });
    expect(maxRelError(V, ev)).toBeLessThan(1e-6);
  });
});

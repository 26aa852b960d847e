/**
 * Exponential synapse (assets/docs/models.md, "Synapses"): per step g ← g·exp(−dt/tau), then
 * g ← g + Σ w·spikes. A spike emitted in step s is seen by the synapse in that same step
 * (feed-forward), so sample s + 1 (the state after step s) holds w and sample s + 1 + k
 * holds w·exp(−k·dt/tau): g(t) = w·exp(−(t − t_s − dt)/tau) for t ≥ t_s + dt.
 */
import { describe, expect, it } from 'vitest';
import { makeDoc, runDoc } from '../../helpers/doc.js';
import { lifReference, maxRelError } from '../../helpers/numeric.js';

const DT = 0.1;
/** A LIF that never fires and is not refractory: a voltmeter for the synaptic current. */
const QUIET = { V_rest: '-65 mV', V_reset: '-65 mV', V_th: '1e6 mV', R: '1 Mohm', tau: '10 ms', tau_ref: '0 ms' };

/** Largest deviation relative to max(|expected|, floor); recorded values are float32. */
function doc(output: 'current' | 'conductance', weight: string, spikes: Array<[number, string]>, duration = '10 ms') {
  return makeDoc(
    [
      { id: 'src', type: 'spike-times', size: 2, params: { spikes } },
      { id: 'syn', type: 'exponential', params: { tau: '5 ms', E: '0 mV', output }, connection: { weight } },
      { id: 'cell', type: 'lif', size: 1, params: QUIET },
      { id: 'g', type: 'state-probe', params: { state: 'g' } },
      { id: 'V', type: 'state-probe', params: { state: 'V' } },
    ],
    ['src.spikes -> syn.pre', 'syn.post -> cell.I', 'syn.post -> g.target', 'cell.V -> V.target'],
    { duration },
  );
}

describe('exponential synapse', () => {
  it('jumps by w in the spike step and then decays as w·exp(−(t − t_s − dt)/tau), sample by sample', () => {
    const w = 0.5;
    const out = runDoc(doc('current', `${w} nA`, [[0, '1 ms']]));
    const g = out.traces.get('g')![0]!;
    expect(g.length).toBe(101);
    const s = 10; // round(1 ms / 0.1 ms)
    for (let n = 0; n <= s; n++) expect(g[n]).toBe(0);
    const expected: number[] = [];
    for (let n = s + 1; n <= 100; n++) {
      const t = n * DT;
      expected.push(w * Math.exp(-(t - s * DT - DT) / 5));
    }
    expect(g[s + 1]).toBeCloseTo(w, 7);
    expect(maxRelError(g.slice(s + 1), expected)).toBeLessThan(1e-6);
  });

  it('decays before it jumps inside a step; spikes of the same step add up', () => {
    // Neuron 0 at 1 ms; neurons 0 and 1 together at 3 ms; the weight is per connection.
    const w = 0.25;
    const spikes: Array<[number, string]> = [[0, '1 ms'], [0, '3 ms'], [1, '3 ms']];
    const g = runDoc(doc('current', `${w} nA`, spikes)).traces.get('g')![0]!;
    const decay = Math.exp(-DT / 5);
    const expected = [0];
    let x = 0;
    for (let i = 0; i < 100; i++) {
      x *= decay;
      if (i === 10) x += w;
      if (i === 30) x += 2 * w;
      expected.push(x);
    }
    expect(maxRelError(g, expected)).toBeLessThan(1e-6);
    // The jump is not decayed in its own step: g(after step 30) = w·decay^20 + 2w exactly.
    expect(g[31]).toBeCloseTo(w * decay ** 20 + 2 * w, 6);
  });

  it('current output: the neuron integrates I = g (nA) in the same step', () => {
    const w = 2;
    const out = runDoc(doc('current', `${w} nA`, [[0, '1 ms']]));
    const g = out.traces.get('g')![0]!;
    const V = out.traces.get('V')![0]!;
    // R = 1 MΩ; g after step i is the current of step i
    const expected = lifReference({ vRest: -65, tau: 10, dt: DT, steps: 100, current: (i) => 1 * g[i + 1]! });
    expect(maxRelError(V, expected)).toBeLessThan(1e-6);
    const em = Math.exp(-DT / 10);
    expect(V[11]).toBeCloseTo(-65 + w * (1 - em), 5);
  });

  it('conductance output: I = g·(E − V) with the start-of-step V', () => {
    const w = 0.05; // µS
    const out = runDoc(doc('conductance', `${w} uS`, [[0, '1 ms'], [1, '1.5 ms']]));
    const g = out.traces.get('g')![0]!;
    const V = out.traces.get('V')![0]!;
    const decay = Math.exp(-DT / 5);
    let x = 0;
    const eg = [x];
    const ev = lifReference({
      vRest: -65, tau: 10, dt: DT, steps: 100,
      current: (i, v) => {
        x *= decay;
        if (i === 10 || i === 15) x += w;
        eg.push(x);
        return 1 * x * (0 - v);
      },
    });
    expect(maxRelError(g, eg)).toBeLessThan(1e-6);
    expect(maxRelError(V, ev)).toBeLessThan(1e-6);
    // Excitatory (E = 0 above V): the membrane depolarises.
    expect(Math.max(...V)).toBeGreaterThan(-64);
  });

  it('records g in the weight unit of its variant', () => {
    const cur = runDoc(doc('current', '1 nA', [])).plan.probes.find((p) => p.id === 'g')!;
    const cond = runDoc(doc('conductance', '1 nS', [])).plan.probes.find((p) => p.id === 'g')!;
    expect(cur.kind === 'state' && cur.unit).toBe('nA');
    expect(cond.kind === 'state' && cond.unit).toBe('µS');
    // "1 nS" is 0.001 µS internally.
    expect(runDoc(doc('conductance', '1 nS', [])).plan.projections[0]!.byPre.w[0]).toBeCloseTo(0.001, 9);
  });
});

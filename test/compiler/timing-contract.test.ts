/**
 * The timing contract of assets/docs/models.md ("Order inside a step", "What is recorded"): a
 * feed-forward chain sees the same step, a recurrent edge is one step late, delays are
 * whole steps, sample 0 is the initial state and spikes carry their step's start time.
 */
import { describe, expect, it } from 'vitest';
import { makeDoc, runDoc } from '../helpers/doc.js';

const LIF_QUIET = { V_rest: '-65 mV', V_reset: '-65 mV', V_th: '1000 mV', R: '1 Mohm', tau: '10 ms', tau_ref: '0 ms' };

function chain(delay: string, spikeAt = '1 ms') {
  return makeDoc(
    [
      { id: 'src', type: 'spike-times', size: 1, params: { spikes: [[0, spikeAt]] } },
      { id: 'syn', type: 'exponential', params: { tau: '5 ms', output: 'current' }, connection: { weight: '1 nA', delay } },
      { id: 'cell', type: 'lif', size: 1, params: LIF_QUIET },
      { id: 'g', type: 'state-probe', params: { state: 'g' } },
      { id: 'V', type: 'state-probe', params: { state: 'V' } },
      { id: 'sp', type: 'spike-probe' },
    ],
    ['src.spikes -> syn.pre', 'syn.post -> cell.I', 'syn.post -> g.target', 'cell.V -> V.target', 'src.spikes -> sp.spikes'],
    { duration: '5 ms' },
  );
}

describe('timing contract', () => {
  it('feed-forward: source → synapse → neuron all act in the step of the spike', () => {
    const out = runDoc(chain('0 ms'));
    const g = out.traces.get('g')![0]!;
    const V = out.traces.get('V')![0]!;
    // Spike at 1 ms = step 10; sample 11 holds the state after step 10.
    expect(g[10]).toBe(0);
    expect(g[11]).toBeCloseTo(1, 6); // decay first, then the jump: exactly w
    expect(V[10]).toBe(-65);
    // The neuron integrates I = g = 1 nA in that same step: V_inf = −65 + 1·1.
    const decay = Math.exp(-0.1 / 10);
    expect(V[11]).toBeCloseTo(-64 + (-65 + 64) * decay, 5);
    expect(g[12]).toBeCloseTo(Math.exp(-0.1 / 5), 6);
  });

  it('records sample 0 as the initial state and stamps spikes with their step start', () => {
    const doc = chain('0 ms', '1.04 ms');
    doc.blocks.find((b) => b.id === 'cell')!.init = { V: '-70 mV' };
    const out = runDoc(doc);
    expect(out.traces.get('V')![0]![0]).toBe(-70);
    expect(out.traces.get('V')![0]!.length).toBe(51); // 50 steps + the initial sample
    expect(out.spikes.get('sp')).toEqual([[10, 0]]); // round(1.04/0.1) = 10 → t = 1.0 ms
  });

  it('delays are whole steps: round(D/dt), halves away from zero', () => {
    for (const [delay, steps] of [['1 ms', 10], ['0.55 ms', 6], ['0.04 ms', 0]] as const) {
      const g = runDoc(chain(delay)).traces.get('g')![0]!;
      const first = g.findIndex((x) => x > 0);
      expect(first, `delay ${delay}`).toBe(11 + steps);
    }
  });

  it('a recurrent edge (closing a cycle) is read one step later', () => {
    // A neuron driven over threshold excites itself: its spike reaches the synapse next step.
    const doc = makeDoc(
      [
        { id: 'drive', type: 'constant-current', params: { amplitude: '20 nA' } },
        { id: 'cell', type: 'lif', size: 1, params: { V_rest: '-65 mV', V_reset: '-65 mV', V_th: '-50 mV', R: '1 Mohm', tau: '10 ms', tau_ref: '100 ms' } },
        { id: 'self', type: 'exponential', params: { tau: '5 ms', output: 'current' }, connection: { weight: '1 nA' } },
        { id: 'g', type: 'state-probe', params: { state: 'g' } },
        { id: 'sp', type: 'spike-probe' },
      ],
      ['drive.I -> cell.I', 'cell.spikes -> self.pre', 'self.post -> cell.I', 'self.post -> g.target', 'cell.spikes -> sp.spikes'],
      { duration: '20 ms' },
    );
    const out = runDoc(doc);
    const [[spikeStep]] = out.spikes.get('sp')! as [[number, number]];
    const g = out.traces.get('g')![0]!;
    expect(out.plan.order).toEqual([['drive'], ['self', 'cell']]);
    expect(out.plan.projections[0]!.lag).toBe(1);
    // Emitted in step s (after the synapse ran); the synapse sees it in step s + 1,
    // whose result is sample s + 2.
    expect(g[spikeStep + 1]).toBe(0);
    expect(g[spikeStep + 2]).toBeCloseTo(1, 6);
  });

  it('a recurrent edge with a delay adds round(D/dt) on top of the one-step lag', () => {
    const doc = makeDoc(
      [
        { id: 'drive', type: 'constant-current', params: { amplitude: '20 nA' } },
        { id: 'cell', type: 'lif', size: 1, params: { V_th: '-50 mV', tau_ref: '100 ms' } },
        { id: 'self', type: 'exponential', params: { output: 'current' }, connection: { weight: '1 nA', delay: '0.3 ms' } },
      ],
      ['drive.I -> cell.I', 'cell.spikes -> self.pre', 'self.post -> cell.I'],
    );
    const out = runDoc(doc);
    expect(out.plan.projections[0]!.lag).toBe(4);
    expect(out.plan.spikeHistory.cell).toBe(5);
  });
});

/**
 * Voltage-jump (delta) synapse (assets/docs/models.md, "Voltage jumps"): a presynaptic spike
 * of step s adds w to the target's membrane potential at the start of step s + lag (lag =
 * round(delay/dt), plus one on a recurrent edge), before that step's integration, unless the
 * target is refractory in that step (i − i_last ≤ round(tau_ref/dt)); its threshold is checked
 * at the end of that same step. State probe sample k holds the value at the end of step k − 1.
 */
import { describe, expect, it } from 'vitest';
import { CompileError } from '../../../src-main/compiler/diagnostics.js';
import { makeDoc, runDoc } from '../../helpers/doc.js';

const DT = 0.1;
const a = Math.exp(-DT / 10); // LIF decay per step, tau = 10 ms

function run(spikes: Array<[number, string]>, weight: string | Record<string, unknown>, delay: string, lif: Record<string, unknown> = {}) {
  const out = runDoc(makeDoc([
    { id: 'src', type: 'spike-times', size: 3, params: { spikes } },
    { id: 'syn', type: 'delta', connection: { rule: 'one-to-one', weight, delay } },
    { id: 'cell', type: 'lif', size: 3, params: { V_rest: '-65 mV', V_reset: '-70 mV', V_th: '-50 mV', tau: '10 ms', tau_ref: '2 ms', ...lif } },
    { id: 'V', type: 'state-probe', params: { state: 'V' } },
    { id: 'sp', type: 'spike-probe' },
  ], ['src.spikes -> syn.pre', 'syn.post -> cell.J', 'cell.V -> V.target', 'cell.spikes -> sp.spikes'], { duration: '10 ms' }));
  return { V: out.traces.get('V')!, spikes: out.spikes.get('sp') ?? [] };
}

describe('delta synapse', () => {
  it('lands in step s + round(delay/dt), before the integration of that step', () => {
    const { V } = run([[0, '1 ms']], '5 mV', '0.5 ms');
    const v = V[0]!;
    for (let k = 0; k <= 15; k++) expect(v[k], `sample ${k}`).toBe(-65); // untouched through step 14
    expect(v[16]).toBeCloseTo(-65 + 5 * a, 5); // step 15: V + w, then decays for one step
    expect(v[17]).toBeCloseTo(-65 + 5 * a * a, 5);
    expect(V[1]!.every((x) => x === -65)).toBe(true); // one-to-one: neuron 1 gets nothing
  });

  it('acts in the very step of the spike without delay (feed-forward order)', () => {
    const { V } = run([[1, '2 ms']], '-3 mV', '0 ms');
    expect(V[1]![20]).toBe(-65);
    expect(V[1]![21]).toBeCloseTo(-65 - 3 * a, 5);
  });

  it('is checked against the threshold in the step it lands in', () => {
    const { spikes, V } = run([[2, '1 ms']], '20 mV', '0.3 ms');
    expect(spikes).toEqual([[13, 2]]); // −65 + 20 = −45, after one step −45.2 ≥ −50
    expect(V[2]![14]).toBe(-70);
  });

  // Recordings are f32: values computed here in double agree to 5 decimals.
  it('drops a jump that arrives while the target is refractory, to the step', () => {
    // Spike in step 10; tau_ref = 2 ms = 20 steps: steps 11…30 are refractory, step 31 is not.
    const dropped = run([[0, '1 ms'], [0, '3 ms']], '25 mV', '0 ms');
    expect(dropped.spikes).toEqual([[10, 0]]);
    expect(dropped.V[0]!.slice(11, 41).every((x) => x === -70)).toBe(false); // V relaxes after step 30 …
    expect(dropped.V[0]!.slice(11, 32)).toEqual(new Array(21).fill(-70)); // … held, and the jump of step 30 dropped
    expect(dropped.V[0]![32]).toBeCloseTo(-65 - 5 * a, 5); // step 31 integrates from −70 without a jump
    const landed = run([[0, '1 ms'], [0, '3.1 ms']], '25 mV', '0 ms');
    expect(landed.spikes).toEqual([[10, 0], [31, 0]]); // the jump of step 31 lands and fires
  });

  it("jumps the Izhikevich v before the step's update", () => {
    const out = runDoc(makeDoc([
      { id: 'src', type: 'spike-times', size: 1, params: { spikes: [[0, '1 ms']] } },
      { id: 'syn', type: 'delta', connection: { rule: 'all-to-all', weight: '2 mV' } },
      { id: 'plain', type: 'izhikevich', size: 1 },
      { id: 'cell', type: 'izhikevich', size: 1, init: { v: '-63 mV' } },
      { id: 'v', type: 'state-probe', params: { state: 'v' } },
      { id: 'v0', type: 'state-probe', params: { state: 'v' } },
    ], ['src.spikes -> syn.pre', 'syn.post -> cell.J', 'cell.v -> v.target', 'plain.v -> v0.target'], { duration: '2 ms' }));
    const v = out.traces.get('v')![0]!;
    const u0 = 0.2 * -63; // u starts at b·v of the initial v
    // Before step 10 the jumped cell follows v' = 0.04v² + 5v + 140 − u from −63 mV.
    let vv = -63, u = u0;
    for (let i = 0; i < 10; i++) {
      u = 0.2 * vv + (u - 0.2 * vv) * Math.exp(-0.1 * 0.02);
      vv = vv + 0.1 * (0.04 * vv * vv + 5 * vv + 140 - u);
    }
    expect(v[10]).toBeCloseTo(vv, 4);
    vv += 2; // step 10: the jump first, then u and v from the jumped v
    u = 0.2 * vv + (u - 0.2 * vv) * Math.exp(-0.1 * 0.02);
    vv = vv + 0.1 * (0.04 * vv * vv + 5 * vv + 140 - u);
    expect(v[11]).toBeCloseTo(vv, 4);
  });

  it('sums jumps from several synapses and the Poisson drive in one step', () => {
    const out = runDoc(makeDoc([
      { id: 'src', type: 'spike-times', size: 1, params: { spikes: [[0, '1 ms']] } },
      { id: 'e', type: 'delta', connection: { rule: 'all-to-all', weight: '4 mV' } },
      { id: 'i', type: 'delta', connection: { rule: 'all-to-all', weight: '-1.5 mV' } },
      { id: 'cell', type: 'lif', size: 1, params: { V_th: '0 mV' } },
      { id: 'V', type: 'state-probe', params: { state: 'V' } },
    ], ['src.spikes -> e.pre', 'src.spikes -> i.pre', 'e.post -> cell.J', 'i.post -> cell.J', 'cell.V -> V.target'], { duration: '2 ms' }));
    expect(out.traces.get('V')![0]![11]).toBeCloseTo(-65 + 2.5 * a, 5);
  });

  it('is refused into a current input or a neuron without jumps', () => {
    const into = (target: string, port: string) => () => runDoc(makeDoc([
      { id: 'src', type: 'spike-times', size: 1, params: { spikes: [] } },
      { id: 'syn', type: 'delta' },
      { id: 'cell', type: target, size: 1 },
    ], ['src.spikes -> syn.pre', `syn.post -> cell.${port}`]));
    expect(into('lif', 'I')).toThrow(/input "I" takes current, but "syn.post" gives jump/);
    expect(into('hh', 'J')).toThrow(/has no input "J"/);
    expect(into('lif', 'I')).toThrow(CompileError);
  });
});

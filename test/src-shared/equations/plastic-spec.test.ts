/**
 * Plastic synapses written as equations (src-shared/equations/plastic-spec.ts), in Brian2's
 * notation: Song et al.'s STDP as Brian2's examples/synapses/STDP.py writes it learns the
 * same weights as the built-in `stdp` block, and Tsodyks–Markram written out delivers what
 * the built-in delivers; mistakes are named by field and line.
 */
import { describe, expect, it } from 'vitest';
import { compile } from '../../../src-main/compiler/compile.js';
import { Simulation } from '../../../src-main/engines/cpu/simulation.js';
import { plasticArrayName } from '../../../src-main/engines/cpu/plasticity-code.js';
import { compileEquationType } from '../../../src-shared/equations/compile-type.js';
import { parseDocument } from '../../../src-shared/document/load.js';

/** Brian2's STDP.py synapse, traces in weight units (µS here: nS parameters, so factors apply). */
const SONG = {
  category: 'synapse',
  title: 'STDP (Brian2 notation)',
  params: {
    taue: { unit: 'ms', default: 5 }, Ee: { unit: 'mV', default: 0 },
    taupre: { unit: 'ms', default: 20 }, taupost: { unit: 'ms', default: 20 },
    gmax: { unit: 'nS', default: 10 }, dApre: { unit: 'nS', default: 0.1 }, dApost: { unit: 'nS', default: -0.105 },
  },
  equations: 'dge/dt = -ge / taue : uS',
  connection: 'dApre/dt = -Apre / taupre : uS (event-driven)\ndApost/dt = -Apost / taupost : uS (event-driven)',
  on_pre: 'ge += w\nApre += dApre\nw = min(max(w + Apost, 0), gmax)',
  on_post: 'Apost += dApost\nw = min(max(w + Apre, 0), gmax)',
  current: 'ge * (Ee - V_post)',
  weight: { unit: 'uS', default: 0.005 },
};

function network(types: Record<string, unknown>, synapse: Record<string, unknown>) {
  return parseDocument({
    format: 'spikeflow-project', version: 2, name: 'equation plasticity',
    run: { dt: '0.1 ms', duration: '500 ms', seed: 3 },
    types,
    blocks: [
      { id: 'inputs', type: 'poisson', size: 50, params: { rate: '30 Hz' } },
      { id: 'syn', ...synapse, connection: { rule: 'all-to-all', weight: { dist: 'uniform', low: '0 uS', high: '0.01 uS' } } },
      { id: 'cell', type: 'lif', size: 2, params: { V_rest: '-74 mV', V_th: '-54 mV', V_reset: '-60 mV', tau: '10 ms', tau_ref: '0 ms' } },
      { id: 'drive', type: 'constant-current', params: { amplitude: '19 nA' } },
      { id: 'sp', type: 'spike-probe' },
    ],
    edges: [
      { from: 'inputs.spikes', to: 'syn.pre' }, { from: 'syn.post', to: 'cell.I' }, { from: 'drive.I', to: 'cell.I' },
      { from: 'cell.spikes', to: 'sp.spikes' },
    ],
  });
}

function weights(doc: ReturnType<typeof network>): { w: Float64Array; spikes: number } {
  const plan = compile(doc);
  const sim = new Simulation(plan);
  sim.advance(plan.steps);
  return { w: sim.arrays[plasticArrayName.weight(0)] as Float64Array, spikes: sim.summary().find((s) => s.block === 'cell')!.spikes };
}

describe('plastic synapses written as equations', () => {
  it('compile to per-connection traces with their time constants and event code', () => {
    const { def, diagnostics } = compileEquationType('song', SONG);
    expect(diagnostics).toEqual([]);
    const pl = def!.synapse!.plasticity!;
    expect(pl.states).toEqual({
      Apre: { unit: 'µS', init: 0, tau: 'taupre', rest: 0, doc: 'Per-connection Apre.' },
      Apost: { unit: 'µS', init: 0, tau: 'taupost', rest: 0, doc: 'Per-connection Apost.' },
    });
    expect(pl.onPre[0]).toBe('delivered = w'); // ge += w, first: the weight before this spike's update
    expect(pl.onPost).toHaveLength(2);
  });

  it('take Brian2\'s text as written: the weight declared as "w : unit", bounded with clip(x, low, high)', () => {
    const brian2 = {
      ...SONG,
      connection: `w : uS\n${SONG.connection}`,
      on_pre: 'ge += w\nApre += dApre\nw = clip(w + Apost, 0, gmax)',
      on_post: 'Apost += dApost\nw = clip(w + Apre, 0, gmax)',
    };
    const written = compileEquationType('song', brian2);
    expect(written.diagnostics).toEqual([]);
    expect(written.def!.synapse!.plasticity).toEqual(compileEquationType('song', SONG).def!.synapse!.plasticity);
    const bad = (patch: Record<string, unknown>) => compileEquationType('bad', { ...brian2, ...patch }).diagnostics.map((d) => `${d.field}:${d.line}: ${d.message}`);
    expect(bad({ connection: `w : mV\n${SONG.connection}` })).toEqual([expect.stringMatching(/^connection:1: "w : mV": the weight is added to ge, so it has ge's unit \(µS\)/)]);
    expect(bad({ on_post: 'Apost += dApost\nw = clip(w + Apre, 0)' })).toEqual(['on_post:2: clip() takes 3 argument(s) (x, low, high), got 2']);
  });

  it("Brian2's STDP.py learns the weights of the built-in stdp block", () => {
    const eq = weights(network({ song: SONG }, { type: 'song' }));
    const builtin = weights(network({}, { type: 'stdp', params: { tau: '5 ms', A_pre: 0.01, A_post: -0.0105, w_max: '0.01 uS' } }));
    expect(eq.spikes).toBe(builtin.spikes);
    expect(eq.spikes).toBeGreaterThan(20);
    let moved = 0;
    eq.w.forEach((w, c) => {
      expect(w).toBeCloseTo(builtin.w[c]!, 14);
      if (Math.abs(w - Math.fround(w)) > 1e-12) moved++;
    });
    expect(moved).toBeGreaterThan(40); // learning happened
  });

  it('Tsodyks–Markram written out (u, x per connection) follows the built-in block', () => {
    const tm = {
      category: 'synapse', title: 'TM (equations)',
      params: { tau: { unit: 'ms', default: 3 }, U: { unit: '', default: 0.2 }, tau_rec: { unit: 'ms', default: 150 }, tau_facil: { unit: 'ms', default: 400 } },
      equations: 'dg/dt = -g / tau : nA',
      connection: 'du/dt = -u / tau_facil : 1 (event-driven)\ndx/dt = (1 - x) / tau_rec : 1 (event-driven)',
      states: { x: { init: 1 } },
      on_pre: 'u += U * (1 - u)\ng += w * u * x\nx -= u * x',
      current: 'g',
      weight: { unit: 'nA', default: 1 },
    };
    const run = (doc: ReturnType<typeof network>) => {
      const plan = compile(doc);
      const sim = new Simulation(plan);
      sim.advance(plan.steps);
      return { x: sim.arrays[plasticArrayName.state(0, 'x')] as Float64Array, spikes: sim.summary().find((b) => b.block === 'cell')!.spikes };
    };
    const weightIn = (doc: ReturnType<typeof network>) => { doc.blocks[1]!.connection!.weight = { dist: 'uniform', low: '0 nA', high: '2 nA' }; return doc; };
    const eq = run(weightIn(network({ tm }, { type: 'tm' })));
    const builtin = run(weightIn(network({}, { type: 'tsodyks-markram', params: { output: 'current', tau: '3 ms', U: 0.2, tau_rec: '150 ms', tau_facil: '400 ms' } })));
    expect(eq.spikes).toBe(builtin.spikes);
    eq.x.forEach((x, c) => expect(x).toBeCloseTo(builtin.x[c]!, 14));
    expect(Math.min(...eq.x)).toBeLessThan(0.9); // depressed
  });

  it('name what is wrong: a decay that is not towards a constant, a second jump, a state that is not per connection', () => {
    const bad = (patch: Record<string, unknown>) => compileEquationType('bad', { ...SONG, ...patch }).diagnostics.map((d) => `${d.field}: ${d.message}`);
    expect(bad({ connection: 'dApre/dt = -Apre * Apre / taupre : uS\ndApost/dt = -Apost / taupost : uS' })).toEqual([expect.stringMatching(/^connection: "Apre" relaxes between events towards a constant/)]);
    expect(bad({ on_pre: 'ge += w\nge += w' })).toEqual([expect.stringMatching(/^on_pre: a plastic synapse adds to one postsynaptic state/)]);
    expect(bad({ on_post: 'ge = 0' })).toEqual([expect.stringMatching(/^on_post: "ge" is not w or a per-connection variable/)]);
    expect(bad({ stateOn: 'pre', gather: 'ge' })).toEqual([expect.stringMatching(/^connection: per-connection variables and on_post need the state per postsynaptic neuron/)]);
  });
});

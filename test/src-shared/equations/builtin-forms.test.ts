/**
 * The equation forms of built-in blocks ("Duplicate as equations…"): each compiles; HH as
 * equations spikes at the built-in's steps, Izhikevich (another scheme: the built-in steps u
 * before v) within a step of them. LIF and the synapses are bit-identical
 * (equivalence.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { builtinAsEquations, BUILTINS_WITH_EQUATIONS } from '../../../src-shared/equations/builtin-forms.js';
import { compileEquationType } from '../../../src-shared/equations/compile-type.js';
import { parseDocument } from '../../../src-shared/document/load.js';
import { runDoc } from '../../helpers/doc.js';

/** Spike steps of one neuron of `type` under a constant current (dt 0.01 ms, 200 ms). */
function spikes(type: string, amplitude: string, types: Record<string, unknown> = {}): number[] {
  const doc = parseDocument({
    format: 'spikeflow-project', version: 2, name: 'form', run: { dt: '0.01 ms', duration: '200 ms', seed: 1 }, types,
    blocks: [{ id: 'c', type: 'constant-current', params: { amplitude } }, { id: 'n', type, size: 1 }, { id: 'sp', type: 'spike-probe' }],
    edges: [{ from: 'c.I', to: 'n.I' }, { from: 'n.spikes', to: 'sp.spikes' }],
  });
  return runDoc(doc).spikes.get('sp')!.map(([s]) => s);
}

describe('built-in blocks as equations', () => {
  it('lif, exponential, alpha, izhikevich and hh have forms, and each compiles', () => {
    expect(BUILTINS_WITH_EQUATIONS).toEqual(['lif', 'exponential', 'alpha', 'izhikevich', 'hh']);
    for (const type of BUILTINS_WITH_EQUATIONS) expect(compileEquationType(`my_${type}`, builtinAsEquations(type)).diagnostics, type).toEqual([]);
    expect(builtinAsEquations('poisson')).toBeUndefined();
    // A copy: editing it leaves the next one as it was.
    (builtinAsEquations('lif')!.params as Record<string, { default: number }>).tau!.default = 99;
    expect((builtinAsEquations('lif')!.params as Record<string, { default: number }>).tau!.default).toBe(10);
  });

  it('HH as equations spikes at the steps of the built-in', () => {
    const builtin = spikes('hh', '10 nA');
    expect(builtin.length).toBeGreaterThan(10);
    expect(spikes('my_hh', '10 nA', { my_hh: builtinAsEquations('hh') })).toEqual(builtin);
  });

  it('Izhikevich as equations (forward Euler for both variables) spikes within a step of the built-in', () => {
    const builtin = spikes('izhikevich', '10 nA');
    const form = spikes('my_izh', '10 nA', { my_izh: builtinAsEquations('izhikevich') });
    expect(builtin.length).toBeGreaterThan(3);
    expect(form).toHaveLength(builtin.length);
    form.forEach((s, k) => expect(Math.abs(s - builtin[k]!)).toBeLessThanOrEqual(1));
  });
});

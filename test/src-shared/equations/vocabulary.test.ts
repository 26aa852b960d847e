/** Completion names for an equation editor, from a half-written type. */
import { describe, expect, it } from 'vitest';
import { typeVocabulary } from '../../../src-shared/equations/vocabulary.js';

describe('typeVocabulary', () => {
  it('offers the parameters, the states and subexpressions that parse, inputs, functions and units', () => {
    const v = typeVocabulary({
      category: 'neuron',
      params: { tau: { unit: 'ms', default: 1 }, EL: { unit: 'mV', default: -70 } },
      equations: 'I_leak = (EL - V)/R : nA\ndV/dt = (EL - V)/tau : mV\ndw/dt = (a*(V - EL) - w : nA',
    });
    expect(v.params).toEqual(['tau', 'EL']);
    expect(v.states).toEqual(['V']);
    expect(v.subexpressions).toEqual(['I_leak']);
    expect(v.inputs).toEqual(['t', 'dt', 'I']);
    expect(v.functions).toContain('exp');
    expect(v.functions).not.toContain('exp_euler');
    expect(v.units).toEqual(expect.arrayContaining(['mV', 'nS', 'pF', 'ms']));
  });

  it('gives what it can for anything', () => {
    expect(typeVocabulary(null).states).toEqual([]);
    expect(typeVocabulary({ category: 'synapse', stateOn: 'pre' }).inputs).toEqual(['t', 'dt', 'V_post', 'w', 'wsum']);
  });

  it("offers a plastic synapse's per-connection variables, and Brian2's clip", () => {
    const v = typeVocabulary({
      category: 'synapse', equations: 'dge/dt = -ge / taue : uS',
      connection: 'w : uS\ndApre/dt = -Apre / taupre : uS (event-driven)\ndApost/dt = -Apost / taupost : uS (event-driven)',
    });
    expect(v.states).toEqual(['ge']);
    expect(v.connection).toEqual(['Apre', 'Apost']);
    expect(v.functions).toContain('clip');
    expect(typeVocabulary({ category: 'neuron', connection: 'dx/dt = -x / tau : 1' }).connection).toEqual([]);
  });
});

/**
 * A probability drawn with bernoulli() must lie in 0…1 (src-main/compiler/probabilities.ts):
 * a Poisson source faster than 1/dt used to be capped silently at one spike a step.
 */
import { describe, expect, it } from 'vitest';
import { compile } from '../../src-main/compiler/compile.js';
import { CompileError } from '../../src-main/compiler/diagnostics.js';
import { makeDoc, runDoc } from '../helpers/doc.js';

const poisson = (rate: string, dt = '0.1 ms') => makeDoc(
  [{ id: 'src', type: 'poisson', size: 20, params: { rate } }, { id: 'sp', type: 'spike-probe' }],
  ['src.spikes->sp.spikes'],
  { dt, duration: '5 ms' },
);

describe('probabilities per step', () => {
  it('refuses a Poisson rate above 1/dt, naming the block, the parameter and the largest rate', () => {
    let error: unknown;
    try {
      compile(poisson('20 kHz'));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CompileError);
    const diagnostics = (error as CompileError).diagnostics;
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ block: 'src', field: 'parameter "rate"' });
    expect(diagnostics[0]!.message).toBe(
      'gives a probability of 2 per step (rate = 20000 Hz), outside 0…1: a neuron can spike at most once a step; at dt = 0.1 ms, rate can be at most 10000 Hz',
    );
  });

  it('accepts exactly 1/dt (a spike every step) and the same rate at a smaller dt', () => {
    const every = runDoc(poisson('10 kHz'));
    expect(every.spikes.get('sp')).toHaveLength(20 * 50);
    expect(() => compile(poisson('20 kHz', '0.05 ms'))).not.toThrow();
  });
});

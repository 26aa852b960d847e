import { describe, expect, it } from 'vitest';
import type { SocketType } from '../../kernels/types.js';
import { connectionRefusal, inputTakesMany, socketsCompatible } from '../../src-shared/ports.js';

const TYPES: SocketType[] = ['spikes', 'current', 'voltage'];

describe('socket rules', () => {
  it('connects an output only to an input of its own type, or to any', () => {
    for (const out of TYPES) {
      for (const into of TYPES) expect(socketsCompatible(out, into)).toBe(out === into);
      expect(socketsCompatible(out, 'any')).toBe(true);
    }
  });

  it('lets only a current input take several connections (they sum)', () => {
    expect(TYPES.filter(inputTakesMany)).toEqual(['current']);
    expect(inputTakesMany('any')).toBe(false);
  });

  it('names the rule that refuses a connection', () => {
    expect(connectionRefusal('spikes', 'current', 'neuron')).toBe('socket-type');
    expect(connectionRefusal('current', 'current', 'neuron')).toBeNull();
    expect(connectionRefusal('current', 'any', 'probe')).toBeNull();
    expect(connectionRefusal('current', 'current', 'synapse')).toBe('current-not-into-neuron');
    expect(connectionRefusal('current', 'any', 'source')).toBe('current-not-into-neuron');
    expect(connectionRefusal('spikes', 'any', 'probe')).toBeNull();
  });
});

/**
 * What a state probe can record of the block it watches (src-renderer/lib/block-catalog.ts,
 * recordableStates): a plastic synapse offers its weight and connection states as well (the
 * weight probe records them per connection).
 */
import { describe, expect, it } from 'vitest';
import { recordableStates } from '../../../src-renderer/lib/block-catalog.js';

describe('recordable states', () => {
  it('of a plastic synapse: its states, then w and the per-connection states', () => {
    const names = recordableStates({ id: 'syn', type: 'stdp', params: {} } as never).map((s) => `${s.name} (${s.unit})`);
    expect(names).toEqual(['g (µS)', 'w (µS)', 'a_pre ()', 'a_post ()']);
    const tm = recordableStates({ id: 'syn', type: 'tsodyks-markram', params: { output: 'current' } } as never);
    expect(tm.map((s) => `${s.name} (${s.unit})`)).toEqual(['g (nA)', 'w (nA)', 'u ()', 'x ()']);
  });

  it('of a synapse that does not learn: its states only', () => {
    expect(recordableStates({ id: 'syn', type: 'exponential', params: {} } as never).map((s) => s.name)).toEqual(['g']);
  });
});

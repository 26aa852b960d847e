/**
 * The WebGPU code generator's refusal of a batch whose copies cannot share one program is
 * a BatchMismatchError (its callers fall back to one copy after another by type, not by
 * the message's wording).
 */
import { describe, expect, it } from 'vitest';
import { compile } from '../../../src-main/compiler/compile.js';
import { checkSameStructure } from '../../../src-main/engines/webgpu/codegen.js';
import { BatchMismatchError } from '../../../src-main/engines/webgpu/errors.js';
import { parseDocument } from '../../../src-shared/document/load.js';

const doc = (size: number) => parseDocument({
  format: 'spikeflow-project', version: 2, name: `n${size}`,
  run: { dt: '0.1 ms', duration: '5 ms', seed: 1 },
  blocks: [
    { id: 'src', type: 'poisson', size: 4, params: { rate: '100 Hz' } },
    { id: 'syn', type: 'exponential', params: { tau: '5 ms', output: 'current' }, connection: { rule: 'all-to-all', weight: '1 nA' } },
    { id: 'cell', type: 'lif', size },
  ],
  edges: [{ from: 'src.spikes', to: 'syn.pre' }, { from: 'syn.post', to: 'cell.I' }],
});

describe('BatchMismatchError', () => {
  it('is what a batch of copies of different structure is refused with, naming the copy', () => {
    const plans = [compile(doc(3)), compile(doc(3)), compile(doc(5))];
    let caught: unknown;
    try {
      checkSameStructure(plans);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(BatchMismatchError);
    expect(caught).toMatchObject({ copy: 2, reason: 'structure' });
    expect(() => checkSameStructure([compile(doc(3)), compile(doc(3))])).not.toThrow();
  });
});

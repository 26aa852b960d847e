/**
 * Fusion of a step's operations (src-main/engines/webgpu/fuse.ts) on hand-made ops: a read
 * of data other elements wrote starts a new group; accumulations from any element share
 * one; element-wise chains fuse; the order of ops is kept; and an update that could go
 * early or late goes to the group of the op that reads it.
 */
import { describe, expect, it } from 'vitest';
import type { Access, Op } from '../../../src-main/engines/webgpu/copy-context.js';
import { fuse } from '../../../src-main/engines/webgpu/fuse.js';

const op = (label: string, reads: Access[], writes: Access[]): Op => ({ label, size: 10, reads, writes, emit: () => '' });
const same = (res: string): Access => ({ res, mode: 'same' });
const any = (res: string): Access => ({ res, mode: 'any' });
const labels = (ops: Op[]) => fuse(ops).map((g) => g.ops.map((o) => o.label));

describe('fuse', () => {
  it('splits where an op reads what other elements wrote, and keeps element-wise chains together', () => {
    const scatter = op('scatter', [same('list')], [any('acc')]);
    const current = op('current', [same('acc'), same('V')], [same('I')]);
    const neuron = op('neuron', [same('I'), same('V')], [same('V'), any('list')]);
    expect(labels([scatter, current, neuron])).toEqual([['scatter'], ['current', 'neuron']]);
  });

  it('lets accumulations from any element share a group', () => {
    const a = op('a', [same('list')], [any('acc')]);
    const b = op('b', [same('list2')], [any('acc')]);
    expect(labels([a, b])).toEqual([['a', 'b']]);
  });

  it('places an update that could go either way in the group of its reader', () => {
    const scatter = op('scatter', [], [any('acc')]);
    const decay = op('decay', [same('g')], [same('g')]);
    const current = op('current', [same('acc'), same('g')], [same('I')]);
    expect(labels([scatter, decay, current])).toEqual([['scatter'], ['decay', 'current']]);
  });

  it('keeps the order of ops and needs no more groups than the hazards force', () => {
    // a → b and c → d are hazards (reads of data other elements wrote): 3 groups at least.
    const a = op('a', [], [any('x')]);
    const b = op('b', [same('x')], [same('y')]);
    const c = op('c', [same('y')], [any('z')]);
    const d = op('d', [same('z')], []);
    const e = op('e', [same('y')], [same('w')]);
    const groups = labels([a, b, c, d, e]);
    expect(groups.flat()).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(groups).toHaveLength(3);
    expect(groups[0]).toEqual(['a']);
  });
});

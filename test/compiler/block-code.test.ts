/**
 * checkedUpdate parses and checks a definition's update code once per definition, variant
 * and jump input (every compile needs it; live mode compiles on every edit), and gives the
 * same frozen statements after: no compile can change what the next one gets.
 */
import { describe, expect, it } from 'vitest';
import { blockDef } from '../../kernels/index.js';
import { checkedUpdate } from '../../src-main/compiler/block-code.js';

describe('checkedUpdate', () => {
  it('gives the same frozen statements for the same definition, variant and jumps', () => {
    const lif = blockDef('lif')!;
    const first = checkedUpdate(lif);
    expect(checkedUpdate(lif)).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(Object.isFrozen(first[0]!.expr)).toBe(true);
    expect(() => { (first as unknown as unknown[]).push(first[0]); }).toThrow(TypeError);
    // With the jump input its code differs, and so does the answer.
    expect(checkedUpdate(lif, undefined, true)).not.toBe(first);
  });

  it('checks a changed copy of a definition afresh', () => {
    const lif = blockDef('lif')!;
    const changed = { ...lif, update: ['V_inf = V_rest + 2 * R * I', ...lif.update.slice(1)] };
    expect(checkedUpdate(changed)).not.toEqual(checkedUpdate(lif));
  });
});

import { describe, expect, it } from 'vitest';
import { orderBlocks } from '../../src-main/compiler/graph-order.js';

const n = (id: string, isSynapse = false) => ({ id, isSynapse });

describe('orderBlocks', () => {
  it('orders a feed-forward chain topologically, whatever the document order', () => {
    const r = orderBlocks([n('post'), n('syn', true), n('pre')], [['pre', 'syn'], ['syn', 'post']]);
    expect(r.components).toEqual([['pre'], ['syn'], ['post']]);
    expect(r.algebraicLoops).toEqual([]);
  });

  it('puts synapses first inside a cycle', () => {
    const r = orderBlocks(
      [n('E'), n('I'), n('EE', true), n('EI', true), n('IE', true)],
      [['E', 'EE'], ['EE', 'E'], ['E', 'EI'], ['EI', 'I'], ['I', 'IE'], ['IE', 'E']],
    );
    expect(r.components).toEqual([['EE', 'EI', 'IE', 'E', 'I']]);
  });

  it('keeps document order between independent components', () => {
    const r = orderBlocks([n('b'), n('a'), n('c')], []);
    expect(r.components).toEqual([['b'], ['a'], ['c']]);
  });

  it('names the blocks of a cycle through no synapse', () => {
    const r = orderBlocks([n('x'), n('y'), n('z'), n('s', true)], [['x', 'y'], ['y', 'x'], ['z', 's'], ['s', 'z']]);
    expect(r.algebraicLoops).toEqual([['x', 'y']]);
    const self = orderBlocks([n('x')], [['x', 'x']]);
    expect(self.algebraicLoops).toEqual([['x']]);
  });

  it('handles a long chain without recursion limits', () => {
    const nodes = Array.from({ length: 20000 }, (_, k) => n(`b${k}`));
    const edges = nodes.slice(1).map((x, k) => [`b${k}`, x.id] as const);
    const r = orderBlocks(nodes, edges);
    expect(r.components.length).toBe(20000);
    expect(r.components[19999]).toEqual(['b19999']);
  });
});

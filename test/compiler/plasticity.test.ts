/**
 * Plastic synapses in the compiler (src-main/compiler/plasticity.ts): the transposed index
 * that reaches the connections ending in a postsynaptic neuron, the memory per connection
 * the run's estimate counts, and what is refused, named, before anything is drawn.
 */
import { describe, expect, it } from 'vitest';
import { checkModel, compile } from '../../src-main/compiler/compile.js';
import { CompileError } from '../../src-main/compiler/diagnostics.js';
import { transposedIndex } from '../../src-main/compiler/plasticity.js';
import { makeDoc } from '../helpers/doc.js';

function net(type: string, connection: Record<string, unknown>, params: Record<string, unknown> = {}) {
  return makeDoc([
    { id: 'src', type: 'poisson', size: 100 },
    { id: 'syn', type, params, connection },
    { id: 'cell', type: 'lif', size: 10 },
  ], ['src.spikes -> syn.pre', 'syn.post -> cell.I']);
}

describe('plastic synapses in the plan', () => {
  it('index each postsynaptic neuron\'s incoming connections (positions in the rows by pre), in row order', () => {
    const plan = compile(net('stdp', { rule: 'fixed-probability', p: 0.3, weight: '1 nS' }));
    const p = plan.projections[0]!;
    const { postPtr, postConn } = p.plasticity!;
    expect(postConn.length).toBe(p.byPre.idx.length);
    const seen = new Set<number>();
    for (let j = 0; j < 10; j++) {
      const mine = [...postConn.slice(postPtr[j], postPtr[j + 1])];
      expect(mine.every((c) => p.byPre.idx[c] === j)).toBe(true);
      expect(mine).toEqual([...mine].sort((a, b) => a - b));
      for (const c of mine) seen.add(c);
    }
    expect(seen.size).toBe(p.byPre.idx.length); // every connection exactly once
    expect([...transposedIndex({ ptr: new Int32Array([0, 2, 3]), idx: new Int32Array([1, 0, 1]), w: new Float32Array(3) }, 2).postConn]).toEqual([1, 0, 2]);
  });

  it('carry the event code of the chosen variants, and the traces with their time constants', () => {
    const plan = compile(net('stdp', { rule: 'all-to-all', weight: '1 nS' }, { pairing: 'nearest', tau_pre: '15 ms' }));
    const pl = plan.projections[0]!.plasticity!;
    expect(pl.states).toEqual([
      { name: 'a_pre', unit: '', init: 0, decay: { tau: 15, rest: 0 } },
      { name: 'a_post', unit: '', init: 0, decay: { tau: 20, rest: 0 } },
    ]);
    expect(pl.onPre.map((s) => s.target)).toEqual(['a_pre', 'w']);
    expect(pl.onPre[0]!.expr).toEqual({ k: 'num', v: 1 }); // nearest: a_pre = 1
    expect(pl.delivers).toBe(false);
  });

  it('are counted in the memory estimate: f64 weight, 8 B per state, last event and transposed entry', () => {
    const conn = { rule: 'all-to-all', weight: '1 nS' };
    const syn = (type: string) => checkModel(net(type, conn)).estimate.consumers.find((c) => c.block === 'syn' && /connections/.test(c.what))!;
    expect(syn('exponential').what).toBe('1,000 connections × 8 B');
    expect(syn('stdp').what).toBe('1,000 connections × 40 B');
    expect(syn('triplet-stdp').what).toBe('1,000 connections × 56 B');
    expect(syn('tsodyks-markram').what).toBe('1,000 connections × 40 B');
    expect(syn('stdp').bytes - syn('exponential').bytes).toBe(1000 * 32 + 11 * 8); // plus the transposed row offsets
  });

  it('refuse delays per connection, naming the block', () => {
    const doc = net('stdp', { rule: 'all-to-all', weight: '1 nS', delay: { dist: 'uniform', low: '1 ms', high: '2 ms' } });
    expect(() => checkModel(doc)).toThrow(CompileError);
    expect(() => checkModel(doc)).toThrow(/syn.*plastic synapse takes one delay/s);
  });
});

describe('--explain of a plastic synapse', () => {
  it('lists the per-connection states, the event code and where on_post runs', async () => {
    const { explainPlan } = await import('../../src-main/compiler/explain.js');
    const doc = makeDoc([
      { id: 'src', type: 'poisson', size: 4 },
      { id: 'syn', type: 'stdp', connection: { rule: 'all-to-all', weight: '1 nS' } },
      { id: 'cell', type: 'lif', size: 2 },
      { id: 'W', type: 'state-probe', params: { state: 'w', neurons: [0, 5] } },
    ], ['src.spikes -> syn.pre', 'syn.post -> cell.I', 'syn.post -> W.target']);
    const text = explainPlan(compile(doc));
    expect(text).toContain('plastic: per connection w, a_pre (τ 20 ms), a_post (τ 20 ms); on_pre at each arrival (in the propagation), then on_post after cell\'s update');
    expect(text).toContain('on_pre: g += w (w as it was before on_pre)');
    expect(text).toContain('on_post: w = min(max(w + A_pre * w_max * a_pre, 0), w_max)');
    expect(text).toMatch(/update cell\n {5}then on_post of syn \(the spikes of cell\)/);
    expect(text).toContain('W: syn.w of 2 connection(s) every 1 step(s)');
  });
});

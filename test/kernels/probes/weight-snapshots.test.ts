/**
 * The weight-snapshots probe: every connection's weight of a plastic synapse every
 * `interval`, equal to a weight probe of every connection sampled each step at those times,
 * its last snapshot equal to the engine's final weights; each connection's pre and post
 * neuron as drawn; refused by name on a synapse that does not learn and where the snapshots
 * would be too many; counted in the run's memory estimate.
 */
import { describe, expect, it } from 'vitest';
import { checkModel } from '../../../src-main/compiler/compile.js';
import { plasticArrayName } from '../../../src-main/engines/cpu/plasticity-code.js';
import { makeDoc, runDoc, type BlockSpec } from '../../helpers/doc.js';

/** 4 inputs firing at their own times onto 2 cells kicked to fire: weights move both ways. */
function network(extra: BlockSpec[], edges: string[], duration = '60 ms') {
  return makeDoc([
    { id: 'pre', type: 'spike-times', size: 4, params: { spikes: [[0, '5 ms'], [1, '12 ms'], [2, '21 ms'], [3, '33 ms'], [0, '41 ms'], [2, '47 ms']] } },
    { id: 'syn', type: 'stdp', connection: { rule: 'fixed-probability', p: 0.75, weight: { dist: 'uniform', low: '0.002 uS', high: '0.008 uS' } } },
    { id: 'drive', type: 'spike-times', size: 1, params: { spikes: [[0, '10 ms'], [0, '25 ms'], [0, '44 ms']] } },
    { id: 'kick', type: 'delta', connection: { rule: 'all-to-all', weight: '30 mV' } },
    { id: 'cell', type: 'lif', size: 2, params: { tau_ref: '1 ms' } },
    ...extra,
  ], ['pre.spikes -> syn.pre', 'syn.post -> cell.I', 'drive.spikes -> kick.pre', 'kick.post -> cell.J', ...edges], { duration });
}

describe('weight snapshots', () => {
  it('records every connection every interval: the weight probe\'s values at those times, the final weights last', () => {
    const out = runDoc(network(
      [{ id: 'snaps', type: 'weight-snapshots', params: { interval: '5 ms' } }, { id: 'W', type: 'state-probe', params: { state: 'w' } }],
      ['syn.post -> snaps.target', 'syn.post -> W.target'],
    ));
    const probe = out.plan.probes.find((p) => p.id === 'snaps')!;
    const proj = out.plan.projections.find((p) => p.synapse === 'syn')!;
    const n = proj.byPre.idx.length;
    expect(n).toBeGreaterThan(2);
    expect(probe).toMatchObject({ kind: 'state', state: 'w', unit: 'µS', every: 50, connections: true });
    // Each connection's endpoints: its row of the rows by pre, and its column.
    const snapshots = probe.kind === 'state' ? probe.snapshots! : null;
    for (let i = 0; i < 4; i++) {
      for (let k = proj.byPre.ptr[i]!; k < proj.byPre.ptr[i + 1]!; k++) {
        expect(snapshots!.pre[k]).toBe(i);
        expect(snapshots!.post[k]).toBe(proj.byPre.idx[k]);
      }
    }
    const snaps = out.traces.get('snaps')!;
    const every = out.traces.get('W')!;
    expect(snaps).toHaveLength(n);
    expect(snaps[0]).toHaveLength(13); // t = 0, 5, …, 60 ms
    for (let c = 0; c < n; c++) {
      expect(snaps[c]).toEqual(every[c]!.filter((_, s) => s % 50 === 0));
    }
    const final = out.sim.arrays[plasticArrayName.weight(out.plan.projections.indexOf(proj))] as Float64Array;
    expect(snaps.map((s) => s.at(-1))).toEqual([...final].map(Math.fround));
    // The weights did learn: some snapshot differs from the first.
    expect(snaps.some((s) => s.some((w) => w !== s[0]))).toBe(true);
  });

  it('is refused by name on a synapse without per-connection weights', () => {
    const doc = makeDoc([
      { id: 'pre', type: 'spike-times', size: 2, params: { spikes: [] } },
      { id: 'syn', type: 'exponential', connection: { rule: 'all-to-all', weight: '0.001 uS' } },
      { id: 'cell', type: 'lif', size: 1 },
      { id: 'snaps', type: 'weight-snapshots' },
    ], ['pre.spikes -> syn.pre', 'syn.post -> cell.I', 'syn.post -> snaps.target']);
    expect(() => checkModel(doc)).toThrow(/snaps.*weight snapshots record the weights of a plastic synapse; "syn" \(.*\) has no per-connection weights/s);
  });

  it('refuses more than 1e8 stored weights, naming the probe and the interval', () => {
    const doc = makeDoc([
      { id: 'pre', type: 'poisson', size: 1000, params: { rate: '1 Hz' } },
      { id: 'syn', type: 'stdp', connection: { rule: 'all-to-all', weight: '0.001 uS' } },
      { id: 'cell', type: 'lif', size: 1000 },
      { id: 'snaps', type: 'weight-snapshots', params: { interval: '1 ms' } },
    ], ['pre.spikes -> syn.pre', 'syn.post -> cell.I', 'syn.post -> snaps.target'], { duration: '1 s' });
    expect(() => checkModel(doc)).toThrow(/snaps.*interval.*1,001 snapshots × 1e6 connections of "syn" are more than the 1e8 weights one probe may store/s);
  });

  it('refuses more than 2e6 connections, pointing to a state probe of chosen ones', () => {
    const doc = makeDoc([
      { id: 'pre', type: 'poisson', size: 3000, params: { rate: '1 Hz' } },
      { id: 'syn', type: 'stdp', connection: { rule: 'all-to-all', weight: '0.001 uS' } },
      { id: 'cell', type: 'lif', size: 1000 },
      { id: 'snaps', type: 'weight-snapshots', params: { interval: '1 s' } },
    ], ['pre.spikes -> syn.pre', 'syn.post -> cell.I', 'syn.post -> snaps.target'], { duration: '1 s' });
    expect(() => checkModel(doc)).toThrow(/snaps.*"syn" has 3e6 connections, more than the 2e6 weight snapshots record; record chosen connections with a state probe of w instead/s);
  });

  it('counts its connections\' endpoints and buffer in the memory estimate', () => {
    const withProbe = checkModel(network([{ id: 'snaps', type: 'weight-snapshots' }], ['syn.post -> snaps.target']));
    const consumers = withProbe.estimate.consumers.filter((c) => c.block === 'snaps');
    expect(consumers.map((c) => c.what)).toEqual(expect.arrayContaining([
      expect.stringMatching(/^recording buffer of \d+ neurons/),
      expect.stringMatching(/^pre and post neuron of \d+ connections × 8 B$/),
    ]));
  });
});

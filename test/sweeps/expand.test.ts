/**
 * Sweep expansion shared by the CLI and the app: problems are SweepErrors carrying the
 * option at fault (matched by type, so each caller words its own prefix).
 */
import { describe, expect, it } from 'vitest';
import { parseDocument } from '../../src-shared/document/load.js';
import { expandSweep, SweepError } from '../../src-main/sweeps/expand.js';
import { expandSweepOption } from '../../src-main/cli/batch-run.js';
import { sweepCopies } from '../../src-main/api/sweeps.js';
import { MAX_SWEEP_COPIES } from '../../src-shared/api.js';

const doc = parseDocument({
  format: 'spikeflow-project', version: 2, name: 'sweep',
  run: { dt: '0.1 ms', duration: '20 ms', seed: 7 },
  blocks: [
    { id: 'src', type: 'poisson', size: 20, params: { rate: '300 Hz' } },
    { id: 'syn', type: 'exponential', params: { tau: '5 ms', output: 'current' }, connection: { rule: 'all-to-all', weight: '1 nA' } },
    { id: 'cell', type: 'lif', size: 3 },
  ],
  edges: [{ from: 'src.spikes', to: 'syn.pre' }, { from: 'syn.post', to: 'cell.I' }],
});

function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}

describe('expandSweep', () => {
  it('throws SweepErrors naming the option, with no prefix in the message', () => {
    const bad = caught(() => expandSweep(doc, 'nope.tau=3'));
    expect(bad).toBeInstanceOf(SweepError);
    expect(bad).toMatchObject({ field: 'sweep', code: 'invalid', message: expect.stringMatching(/^no block "nope"/) });
    expect(caught(() => expandSweep(doc, '', 0))).toMatchObject({ field: 'seeds', message: '"0" is not a positive integer' });
    expect(caught(() => expandSweep(doc, 'syn.tau=3,3'))).toMatchObject({ field: 'sweep', code: 'duplicate' });
  });

  it(`refuses more than ${MAX_SWEEP_COPIES} copies before making any (a mistyped --seeds must not fill the memory)`, () => {
    expect(expandSweep(doc, '', MAX_SWEEP_COPIES).docs).toHaveLength(MAX_SWEEP_COPIES);
    expect(caught(() => expandSweep(doc, '', 100_000_000))).toMatchObject({ field: 'seeds', message: `100000000 seeds make 100000000 copies; a batch may have at most ${MAX_SWEEP_COPIES}` });
    expect(caught(() => expandSweep(doc, 'syn.tau=3,4', MAX_SWEEP_COPIES))).toMatchObject({ field: 'seeds', message: expect.stringMatching(/× 2 values make 512 copies/) });
    const many = Array.from({ length: MAX_SWEEP_COPIES + 1 }, (_, k) => k + 1).join(',');
    expect(caught(() => expandSweep(doc, `syn.tau=${many}`))).toMatchObject({ field: 'sweep', message: expect.stringMatching(/^257 values for syn.tau; a batch may have at most 256 copies/) });
    expect(() => expandSweepOption(doc, '', 1000)).toThrow(/^--seeds: 1000 seeds make 1000 copies/);
  });

  it('is worded by each caller: --sweep on the command line, sweep in the app', () => {
    expect(() => expandSweepOption(doc, 'nope.tau=3')).toThrow(/^--sweep: no block "nope"/);
    expect(() => expandSweepOption(doc, 'syn.tau=3,3')).toThrow(/^--sweep: two values give the same folder name/);
    expect(() => sweepCopies(doc, { block: 'nope', param: 'tau', values: ['3'] }, undefined)).toThrow(/^sweep: no block "nope"/);
    expect(() => sweepCopies(doc, null, 0)).toThrow(/^seeds: "0" is not a positive integer/);
  });
});

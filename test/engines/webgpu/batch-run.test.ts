/**
 * The CLI's sweep and seed batches: `expandSweepOption` validates the spec and names each copy;
 * `runSweepCli` writes one CSV set per copy, each equal to that copy run alone on the CPU.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { expandSweepOption as expandSweep, runSweepCli } from '../../../src-main/cli/batch-run.js';
import { compile } from '../../../src-main/compiler/compile.js';
import { Simulation } from '../../../src-main/engines/cpu/simulation.js';
import { parseDocument } from '../../../src-shared/document/load.js';

const SWIFTSHADER = '/usr/lib/chromium/vk_swiftshader_icd.json';
if (!process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER)) process.env.VK_ICD_FILENAMES = SWIFTSHADER;

const doc = parseDocument({
  format: 'spikeflow-project', version: 2, name: 'sweep',
  run: { dt: '0.1 ms', duration: '20 ms', seed: 7 },
  blocks: [
    { id: 'src', type: 'poisson', size: 20, params: { rate: '300 Hz' } },
    { id: 'syn', type: 'exponential', params: { tau: '5 ms', output: 'current' }, connection: { rule: 'all-to-all', weight: '1 nA' } },
    { id: 'cell', type: 'lif', size: 3 },
    { id: 'sp', type: 'spike-probe' },
    { id: 'v', type: 'state-probe', params: { state: 'V', neurons: [0] } },
  ],
  edges: [
    { from: 'src.spikes', to: 'syn.pre' }, { from: 'syn.post', to: 'cell.I' },
    { from: 'cell.spikes', to: 'sp.spikes' }, { from: 'cell.V', to: 'v.target' },
  ],
});

describe('expandSweepOption', () => {
  it('makes one document per value, with folder-safe labels', () => {
    const { docs, labels } = expandSweep(doc, 'syn.tau=2 ms, 5ms,8', undefined);
    expect(labels).toEqual(['syn.tau=2ms', 'syn.tau=5ms', 'syn.tau=8']);
    expect(docs.map((d) => d.blocks.find((b) => b.id === 'syn')!.params.tau)).toEqual(['2 ms', '5ms', 8]);
    expect(doc.blocks.find((b) => b.id === 'syn')!.params.tau).toBe('5 ms'); // the original is untouched
  });

  it('crosses values with seeds counted from the document seed', () => {
    const { docs, labels } = expandSweep(doc, 'src.rate=100,200', 2);
    expect(labels).toEqual(['src.rate=100_seed=7', 'src.rate=100_seed=8', 'src.rate=200_seed=7', 'src.rate=200_seed=8']);
    expect(docs.map((d) => d.run.seed)).toEqual([7, 8, 7, 8]);
    expect(expandSweep(doc, '', 3).labels).toEqual(['seed=7', 'seed=8', 'seed=9']);
  });

  it('names what is wrong', () => {
    expect(() => expandSweep(doc, 'tau=3')).toThrow(/not of the form <block>\.<param>=/);
    expect(() => expandSweep(doc, 'nope.tau=3')).toThrow(/no block "nope".*blocks: src, syn, cell, sp, v/);
    expect(() => expandSweep(doc, 'syn.taux=3')).toThrow(/block "syn" \(exponential\) has no parameter "taux" \(numeric parameters: tau, E\)/);
    expect(() => expandSweep(doc, 'syn.output=current')).toThrow(/"output" of block "syn" is an enum, not a number/);
    expect(() => expandSweep(doc, 'syn.tau=5 mV')).toThrow(/value "5 mV" for syn\.tau/);
    expect(() => expandSweep(doc, 'syn.tau=')).toThrow(/no values/);
    expect(() => expandSweep(doc, 'syn.tau=3,3')).toThrow(/same folder name/);
    expect(() => expandSweep(doc, '', 0)).toThrow(/--seeds\b/);
  });
});

describe('runSweepCli', () => {
  const out = mkdtempSync(join(tmpdir(), 'spikeflow-sweep-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('writes one CSV set per copy, each equal to that copy run alone', async () => {
    const { docs, labels } = expandSweep(doc, 'syn.tau=2ms,6ms', 2);
    const plans = docs.map((d) => compile(d));
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const err = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      await runSweepCli({ plans, labels, outDir: out });
    } finally {
      log.mockRestore();
      err.mockRestore();
    }
    const seen = new Set<string>();
    plans.forEach((plan, k) => {
      const dir = join(out, labels[k]!);
      const text = readFileSync(join(dir, 'sp.csv'), 'utf8').trim().split('\n');
      expect(text[0]).toBe('t (ms),cell.neuron');
      const sim = new Simulation(plan);
      sim.advance(plan.steps);
      const cpu = sim.drain().flatMap((c) => (c.kind === 'spikes' && c.probe === 'sp' ? Array.from(c.steps, (s, q) => `${Number((s * plan.dt).toPrecision(12))},${c.neurons[q]}`) : []));
      expect(text.slice(1), labels[k]).toEqual(cpu);
      const v = readFileSync(join(dir, 'v.csv'), 'utf8').trim().split('\n');
      expect(v.length).toBe(plan.steps + 2); // header, sample 0, one per step
      seen.add(v.join(';'));
    });
    expect(seen.size).toBe(plans.length); // the copies really differ
  });
});

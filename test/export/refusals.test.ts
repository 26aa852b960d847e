/**
 * Issue 14: what cannot be exported is refused by name — the block, its type and why — in
 * one line, with a non-zero exit; nothing is written then. Needs no Python.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BLOCKS } from '../../kernels/index.js';
import type { ProjectDocument } from '../../src-shared/document/schema.js';
import { BRIAN2_FORMS, brian2Refusals } from '../../src-main/export/brian2/script.js';
import { exportModelText } from '../../src-main/export/export-model.js';
import { ExportRefusal } from '../../src-main/export/refusal.js';
import { cli, EXAMPLES } from '../helpers/cli.js';

const docWith = (type: string) => ({ blocks: [{ id: 'b1', type }] }) as unknown as ProjectDocument;

describe('export refusals', () => {
  const work = mkdtempSync(join(tmpdir(), 'spikeflow-export-refusals-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('Brian2: every block type of the library is exported or refused by name', () => {
    for (const def of BLOCKS) {
      const refusals = brian2Refusals(docWith(def.type));
      if (def.type in BRIAN2_FORMS) expect(refusals, def.type).toEqual([]);
      else expect(refusals, def.type).toEqual([{ block: 'b1', type: def.type, reason: expect.stringContaining('does not know this block type') }]);
    }
    expect(brian2Refusals(docWith('made-up'))).toEqual([{ block: 'b1', type: 'made-up', reason: 'unknown block type' }]);
  });

  it('every example exports to Brian2 (noise, jumps, drives, project types and plastic synapses too)', () => {
    const files = readdirSync(EXAMPLES).filter((f) => f.endsWith('.json')).sort();
    for (const file of files) {
      let script = '';
      try {
        script = exportModelText(join(EXAMPLES, file), { to: 'brian2' });
      } catch (err) {
        expect.fail(`${file}: ${err instanceof ExportRefusal ? err.message : String(err)}`);
      }
      expect(script, file).toContain('b2.run(steps * DT)');
    }
    // The last ones the exporter refused: the plastic synapses (STDP, triplet STDP, Tsodyks–Markram).
    expect(files).toEqual(expect.arrayContaining(['stdp-song-2000.json', 'triplet-stdp.json', 'tsodyks-markram.json', 'adex.json', 'brunel-2000.json', 'noise-lif.json']));
  });

  it('PyNN: the HH example is refused, naming each block and why, in one line', () => {
    const out = join(work, 'hh.py');
    const r = cli('export-model', join(EXAMPLES, 'hh-dualexp-hh.json'), '--to', 'pynn', '--out', out);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('cannot export to PyNN');
    expect(r.stderr).toMatch(/block "pre" \(hh\) PyNN's HH_cond_exp is the Traub-Miles variant/);
    expect(r.stderr).toMatch(/block "post" \(hh\)/);
    expect(r.stderr).toMatch(/block "syn" \(dual-exponential\) PyNN's standard cells have no dual-exponential synapse/);
    expect(existsSync(out)).toBe(false);
  });

  it('PyNN: kinetic receptor synapses are refused; the same model exports to Brian2', () => {
    const r = cli('export-model', join(EXAMPLES, 'nmda-lif.json'), '--to', 'pynn', '--out', join(work, 'nmda-pynn.py'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/block "syn" \(nmda\) PyNN has no standard synapse with this receptor kinetics/);
    const b = cli('export-model', join(EXAMPLES, 'nmda-lif.json'), '--to', 'brian2', '--out', join(work, 'nmda-brian2.py'));
    expect(b.code, b.stderr).toBe(0);
    expect(existsSync(join(work, 'nmda-brian2.py'))).toBe(true);
  });

  it('delays per connection are exported per connection by both exporters (not as one delay)', () => {
    const doc = join(work, 'delays.json');
    writeFileSync(doc, JSON.stringify({
      format: 'spikeflow-project', version: 2, name: 'delays',
      blocks: [
        { id: 'src', type: 'poisson', size: 5 },
        { id: 'syn', type: 'exponential', params: { output: 'current' }, connection: { rule: 'all-to-all', delay: { dist: 'uniform', low: '1 ms', high: '3 ms' } } },
        { id: 'post', type: 'lif', size: 3 },
      ],
      edges: [{ from: 'src.spikes', to: 'syn.pre' }, { from: 'syn.post', to: 'post.I' }],
    }));
    const delaysOf = (line: string | undefined) => (line ?? '').replace(/^.*\[/, '').replace(/\].*$/, '').split(', ').map(Number);
    for (const [to, pattern] of [['brian2', /^b_syn_conn\.delay = np\.array\(\[.*\]/m], ['pynn', /^_d = np\.array\(\[.*\]/m]] as const) {
      const out = join(work, `delays-${to}.py`);
      const r = cli('export-model', doc, '--to', to, '--out', out);
      expect(r.code, r.stderr).toBe(0);
      const delays = delaysOf(readFileSync(out, 'utf8').match(pattern)?.[0]);
      expect(delays, to).toHaveLength(15);
      expect(new Set(delays).size, `${to}: the delays differ`).toBeGreaterThan(1);
      for (const d of delays) expect(d >= 10 && d <= 30, `${to}: ${d} steps`).toBe(true);
    }
  });

  it('a plastic synapse written as equations is exported to Brian2 with its learning (on_pre, on_post, event-driven trace)', () => {
    const file = join(work, 'plastic-type.json');
    // Brian2's STDP.py synapse as a project type (user guide, "Writing your own block").
    const song = {
      category: 'synapse',
      params: { taue: { unit: 'ms', default: 5 }, Ee: { unit: 'mV', default: 0 }, taupre: { unit: 'ms', default: 20 }, dApre: { unit: 'nS', default: 0.1 }, gmax: { unit: 'nS', default: 10 } },
      equations: 'dge/dt = -ge / taue : uS',
      connection: 'dApre/dt = -Apre / taupre : uS (event-driven)',
      on_pre: 'ge += w\nApre += dApre',
      on_post: 'w = min(max(w + Apre, 0), gmax)',
      current: 'ge * (Ee - V_post)',
      weight: { unit: 'uS', default: 0.005 },
    };
    writeFileSync(file, JSON.stringify({
      format: 'spikeflow-project', version: 2, name: 'plastic type', run: { dt: '0.1 ms', duration: '10 ms', seed: 1 }, types: { song },
      blocks: [{ id: 'inputs', type: 'poisson', size: 5 }, { id: 'syn', type: 'song' }, { id: 'cell', type: 'lif', size: 1 }, { id: 'sp', type: 'spike-probe' }],
      edges: [{ from: 'inputs.spikes', to: 'syn.pre' }, { from: 'syn.post', to: 'cell.I' }, { from: 'cell.spikes', to: 'sp.spikes' }],
    }));
    const script = exportModelText(file, { to: 'brian2' });
    expect(script).toMatch(/dApre\/dt = -Apre \/ \(20\.0 \* ms\) : 1 \(event-driven\)/);
    expect(script).toMatch(/on_pre='''[^]*Apre = \(?Apre \+/);
    expect(script).toMatch(/on_post='''[^]*w = /);
    expect(script).toContain("at(b_syn_conn.post,");
  });

  it('an unknown target is refused by the command line', () => {
    const r = cli('export-model', join(EXAMPLES, 'ampa-lif.json'), '--to', 'nest', '--out', join(work, 'x.py'));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/brian2, pynn/);
  });
});

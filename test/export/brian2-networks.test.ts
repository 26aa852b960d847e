/**
 * Issue 14: network examples exported to Brian2. COBA exported with Spikeflow's arrays is
 * the identical network (the same spikes, until last-bit differences of exp grow in the
 * chaotic network); exported with --regenerate (Brian2 draws connectivity and initial
 * values) and the Poisson example (Brian2's own Poisson trains) give rates within the
 * seed-to-seed spread of Spikeflow's CPU engine. Short runs; skips without brian2.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, EXAMPLES } from '../helpers/cli.js';
import { meanRate, missingPeer, readCsv, runScript } from './peers.js';

const missing = missingPeer('brian2');
if (missing) console.log(`Brian2 network export tests skipped: ${missing}`);

const SEEDS = ['1', '2', '3', '4'];

describe.skipIf(missing !== null)('Brian2 export of network examples', () => {
  const work = mkdtempSync(join(tmpdir(), 'spikeflow-brian2-net-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  /** Mean rates of Spikeflow's CPU engine over several seeds, per rate probe. */
  function spikeflowRates(project: string, duration: string, probes: string[]): Map<string, number[]> {
    const out = new Map(probes.map((p) => [p, [] as number[]]));
    for (const seed of SEEDS) {
      const dir = join(work, `${project}-sf-${seed}`);
      const r = cli('run', join(EXAMPLES, `${project}.json`), '--engine', 'cpu', '--duration', duration, '--seed', seed, '--out-dir', dir);
      expect(r.code, r.stderr).toBe(0);
      for (const p of probes) out.get(p)!.push(meanRate(readCsv(join(dir, `${p}.csv`))));
    }
    return out;
  }

  /** Whether x lies within mean ± 3 sd of the seeds' rates (sd at least 2 % of the mean). */
  function withinSpread(x: number, rates: number[]): boolean {
    const mean = rates.reduce((s, r) => s + r, 0) / rates.length;
    const sd = Math.sqrt(rates.reduce((s, r) => s + (r - mean) ** 2, 0) / (rates.length - 1));
    return Math.abs(x - mean) <= 3 * Math.max(sd, 0.02 * mean);
  }

  it('COBA with --regenerate: rates within the seed-to-seed spread', () => {
    const rates = spikeflowRates('coba', '60 ms', ['rate_E', 'rate_I']);
    const script = join(work, 'coba-regenerate.py');
    const e = cli('export-model', join(EXAMPLES, 'coba.json'), '--to', 'brian2', '--regenerate', '--out', script);
    expect(e.code, e.stderr).toBe(0);
    const dir = join(work, 'coba-brian2-regenerate');
    runScript(script, ['--duration', '60', '--seed', '5', '--out-dir', dir]);
    for (const p of ['rate_E', 'rate_I']) {
      const rate = meanRate(readCsv(join(dir, `${p}.csv`)));
      expect(rate, p).toBeGreaterThan(5); // the network sustains its activity
      expect(withinSpread(rate, rates.get(p)!), `${p}: ${rate} Hz, Spikeflow's seeds ${rates.get(p)!.join(', ')} Hz`).toBe(true);
    }
  }, 180_000);

  it('COBA with Spikeflow\'s arrays: the same network, the same spikes', () => {
    const script = join(work, 'coba.py');
    const e = cli('export-model', join(EXAMPLES, 'coba.json'), '--to', 'brian2', '--out', script);
    expect(e.code, e.stderr).toBe(0);
    const ours = join(work, 'coba-sf');
    expect(cli('run', join(EXAMPLES, 'coba.json'), '--engine', 'cpu', '--duration', '60 ms', '--out-dir', ours).code).toBe(0);
    const theirs = join(work, 'coba-brian2');
    runScript(script, ['--duration', '60', '--out-dir', theirs]);
    const a = readCsv(join(ours, 'spikes_E.csv'));
    const b = readCsv(join(theirs, 'spikes_E.csv'));
    expect(a.rows.length).toBeGreaterThan(1000);
    expect(b.header).toEqual(a.header);
    expect(b.rows).toEqual(a.rows);
    expect(readCsv(join(theirs, 'rate_I.csv'))).toEqual(readCsv(join(ours, 'rate_I.csv')));
  }, 180_000);

  it('Poisson → exponential → LIF: rates within the seed-to-seed spread', () => {
    const rates = spikeflowRates('poisson-exp-lif', '500 ms', ['input_rate', 'cell_rate']);
    const script = join(work, 'poisson.py');
    expect(cli('export-model', join(EXAMPLES, 'poisson-exp-lif.json'), '--to', 'brian2', '--out', script).code).toBe(0);
    const dir = join(work, 'poisson-brian2');
    runScript(script, ['--duration', '500 ms', '--seed', '11', '--out-dir', dir]);
    for (const p of ['input_rate', 'cell_rate']) {
      const rate = meanRate(readCsv(join(dir, `${p}.csv`)));
      expect(withinSpread(rate, rates.get(p)!), `${p}: ${rate} Hz, Spikeflow's seeds ${rates.get(p)!.join(', ')} Hz`).toBe(true);
    }
  }, 180_000);
});

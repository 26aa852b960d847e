/**
 * Issue 14: the blocks the Brian2 exporter refused before — voltage jumps (delta synapses
 * into input J, the Poisson drive as Brian2's PoissonInput), per-neuron noise currents
 * (white noise, Ornstein–Uhlenbeck), the inhomogeneous Poisson source and a project's own
 * equation types. Deterministic models give the CPU engine's spikes and traces (exact
 * spikes, traces within 1e-6 of their peak); random ones (Brian2 draws its own numbers)
 * give rates within the seed-to-seed spread of the CPU engine. Short runs; skips without
 * brian2 (the script text is still checked).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, EXAMPLES } from '../helpers/cli.js';
import { maxRelativeDifference, meanRate, missingPeer, readCsv, readCsvFolder, runScript, type Csv } from './peers.js';

const missing = missingPeer('brian2');
if (missing) console.log(`Brian2 noise and jump export tests skipped: ${missing}`);

const SEEDS = ['1', '2', '3', '4'];

/** Spikes per neuron and second of a spike probe's CSV. */
function spikeRate(csv: Csv, neurons: number, ms: number): number {
  return csv.rows.length / neurons / (ms / 1000);
}

/** Whether x lies within mean ± 3 sd of the seeds' values (sd at least 3 % of the mean). */
function withinSpread(x: number, values: number[]): boolean {
  const mean = values.reduce((s, r) => s + r, 0) / values.length;
  const sd = Math.sqrt(values.reduce((s, r) => s + (r - mean) ** 2, 0) / (values.length - 1));
  return Math.abs(x - mean) <= 3 * Math.max(sd, 0.03 * mean);
}

/** Spike-time source → delta synapse → LIF: jumps that cross threshold, and jumps dropped while refractory. */
const JUMPS = {
  format: 'spikeflow-project', version: 2, name: 'jumps',
  run: { dt: '0.1 ms', duration: '60 ms', seed: 1 },
  blocks: [
    { id: 'src', type: 'spike-times', size: 2, params: { spikes: [[0, '5 ms'], [1, '5.5 ms'], [0, '6 ms'], [1, '6.3 ms'], [0, '20 ms'], [1, '20.1 ms'], [0, '30 ms'], [1, '30.2 ms'], [0, '30.4 ms'], [1, '31 ms'], [0, '45 ms'], [1, '45.5 ms']] } },
    { id: 'syn', type: 'delta', connection: { rule: 'all-to-all', weight: '8 mV', delay: '1 ms' } },
    { id: 'cell', type: 'lif', size: 3, params: { tau_ref: '2 ms' } },
    { id: 'drive', type: 'constant-current', params: { amplitude: '0.5 nA' } },
    { id: 'V', type: 'state-probe', params: { state: 'V' } },
    { id: 'spikes', type: 'spike-probe' },
  ],
  edges: [
    { from: 'src.spikes', to: 'syn.pre' }, { from: 'syn.post', to: 'cell.J' }, { from: 'drive.I', to: 'cell.I' },
    { from: 'cell.V', to: 'V.target' }, { from: 'cell.spikes', to: 'spikes.spikes' },
  ],
};

describe('Brian2 export of voltage jumps, noise currents, time-varying Poisson and project types', () => {
  const work = mkdtempSync(join(tmpdir(), 'spikeflow-brian2-noise-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  /** Exports `project` to Brian2; returns the script's path. */
  function exported(project: string, name: string): string {
    const script = join(work, `${name}.py`);
    const r = cli('export-model', project, '--to', 'brian2', '--out', script);
    expect(r.code, r.stderr).toBe(0);
    return script;
  }

  /** Runs the CPU engine and the script; every CSV the same (spikes) or within 1e-6 (traces). */
  function sameAsCpu(project: string, name: string): Map<string, Csv> {
    const script = exported(project, name);
    const ours = join(work, `${name}-sf`);
    const run = cli('run', project, '--engine', 'cpu', '--out-dir', ours);
    expect(run.code, run.stderr).toBe(0);
    const theirs = join(work, `${name}-brian2`);
    runScript(script, ['--out-dir', theirs]);
    const a = readCsvFolder(ours);
    const b = readCsvFolder(theirs);
    expect([...b.keys()]).toEqual([...a.keys()]);
    for (const [file, csv] of a) {
      const other = b.get(file)!;
      expect(other.header, file).toEqual(csv.header);
      expect(other.rows.length, file).toBe(csv.rows.length);
      if (csv.header[1]!.endsWith('.neuron')) expect(other.rows, file).toEqual(csv.rows);
      else expect(maxRelativeDifference(csv, other), file).toBeLessThan(1e-6);
    }
    return a;
  }

  it('scripts: the jump input, the PoissonInput, per-target noise and the project type are in the text', () => {
    const noise = readFileSync(exported(join(EXAMPLES, 'noise-lif.json'), 'noise-text'), 'utf8');
    expect(noise).toMatch(/^    I_out = \(mean \+ \(\(sigma \* randn\(\)\) \/ sqrt\(dt_ms\)\)\)$/m);
    expect(noise).toContain("b_A.white_I = linked_var(b_white, 'I_out')\n");
    expect(noise).toContain('randn()');
    expect(noise).toMatch(/sin\(/);
    const brunel = readFileSync(exported(join(EXAMPLES, 'brunel-small.json'), 'brunel-text'), 'utf8');
    expect(brunel).toMatch(/^b_drive_E = PoissonInput\(b_E, 'drive_E_J', N=80, rate=125\.0 \* Hz, weight='0\.2'\)$/m);
    expect(brunel).toMatch(/^    J = drive_E_J \+ EE_x \+ IE_x  # voltage jumps arriving in this step \(mV\)$/m);
    expect(brunel).toMatch(/^    drive_E_J = 0\.0$/m);
    const adex = readFileSync(exported(join(EXAMPLES, 'adex.json'), 'adex-text'), 'utf8');
    expect(adex).toContain('# Block "cell": AdEx (adex)');
    expect(adex).toContain('value(281.0 * b2.units.pF, b2.units.pF)');
  });

  it('a project type whose equations do not compile is refused by name', () => {
    const doc = JSON.parse(readFileSync(join(EXAMPLES, 'adex.json'), 'utf8')) as { types: Record<string, { equations: string }> };
    doc.types.adex!.equations = 'dV/dt = (EL - V + nonsense) / C : mV';
    const file = join(work, 'bad-type.json');
    writeFileSync(file, JSON.stringify(doc));
    const r = cli('export-model', file, '--to', 'brian2', '--out', join(work, 'bad-type.py'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/adex|cell/);
    expect(r.stderr).toMatch(/nonsense/);
  });

  it('a project type whose update code has no Brian2 form (binomial) is refused by name', () => {
    const doc = JSON.parse(readFileSync(join(EXAMPLES, 'adex.json'), 'utf8')) as { types: Record<string, { equations: string }> };
    doc.types.adex!.equations = doc.types.adex!.equations.replace('+ I) / C : mV', '+ I + binomial(10, 0.5) * nA) / C : mV');
    const file = join(work, 'binomial-type.json');
    writeFileSync(file, JSON.stringify(doc));
    const r = cli('export-model', file, '--to', 'brian2', '--out', join(work, 'binomial-type.py'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^spikeflow: cannot export to Brian2: block "cell" \(adex\) its update code cannot be written for Brian2: no Brian2 code for the function binomial$/m);
  });

  it.skipIf(missing !== null)('delta synapses into J: the CPU engine\'s spikes and traces (jumps while refractory dropped)', () => {
    const file = join(work, 'jumps.json');
    writeFileSync(file, JSON.stringify(JUMPS));
    const a = sameAsCpu(file, 'jumps');
    // Not vacuous: the jumps make the neurons fire, more than once.
    expect(a.get('spikes.csv')!.rows.length).toBeGreaterThanOrEqual(9);
  }, 120_000);

  it.skipIf(missing !== null)('a project\'s own equation type (AdEx): the CPU engine\'s spikes and traces', () => {
    const a = sameAsCpu(join(EXAMPLES, 'adex.json'), 'adex');
    expect(a.get('cell_spikes.csv')!.rows.length).toBeGreaterThan(5);
  }, 120_000);

  it.skipIf(missing !== null)('white noise, Ornstein–Uhlenbeck and time-varying Poisson: rates within the seed-to-seed spread', () => {
    const ms = 200;
    const rates = { A: [] as number[], B: [] as number[], input_rate: [] as number[], C_rate: [] as number[] };
    const measure = (dir: string) => ({
      A: spikeRate(readCsv(join(dir, 'A_spikes.csv')), 40, ms),
      B: spikeRate(readCsv(join(dir, 'B_spikes.csv')), 40, ms),
      input_rate: meanRate(readCsv(join(dir, 'input_rate.csv'))),
      C_rate: meanRate(readCsv(join(dir, 'C_rate.csv'))),
    });
    for (const seed of SEEDS) {
      const dir = join(work, `noise-sf-${seed}`);
      const r = cli('run', join(EXAMPLES, 'noise-lif.json'), '--engine', 'cpu', '--duration', `${ms} ms`, '--seed', seed, '--out-dir', dir);
      expect(r.code, r.stderr).toBe(0);
      for (const [k, v] of Object.entries(measure(dir))) rates[k as keyof typeof rates].push(v);
    }
    const dir = join(work, 'noise-brian2');
    runScript(exported(join(EXAMPLES, 'noise-lif.json'), 'noise'), ['--duration', String(ms), '--seed', '9', '--out-dir', dir]);
    for (const [k, v] of Object.entries(measure(dir))) {
      const seeds = rates[k as keyof typeof rates];
      expect(v, k).toBeGreaterThan(1); // every population fires
      expect(withinSpread(v, seeds), `${k}: ${v} Hz, Spikeflow's seeds ${seeds.join(', ')} Hz`).toBe(true);
    }
  }, 240_000);

  it.skipIf(missing !== null)('Brunel\'s network (delta synapses, Poisson drive): rates within the seed-to-seed spread', () => {
    const ms = 50;
    const seeds = SEEDS.map((seed) => {
      const dir = join(work, `brunel-sf-${seed}`);
      const r = cli('run', join(EXAMPLES, 'brunel-small.json'), '--engine', 'cpu', '--duration', `${ms} ms`, '--seed', seed, '--out-dir', dir);
      expect(r.code, r.stderr).toBe(0);
      return [spikeRate(readCsv(join(dir, 'E_spikes.csv')), 800, ms), spikeRate(readCsv(join(dir, 'I_spikes.csv')), 200, ms)] as const;
    });
    const dir = join(work, 'brunel-brian2');
    runScript(exported(join(EXAMPLES, 'brunel-small.json'), 'brunel'), ['--duration', String(ms), '--seed', '9', '--out-dir', dir]);
    const e = spikeRate(readCsv(join(dir, 'E_spikes.csv')), 800, ms);
    const i = spikeRate(readCsv(join(dir, 'I_spikes.csv')), 200, ms);
    expect(e).toBeGreaterThan(5);
    expect(withinSpread(e, seeds.map((s) => s[0])), `E: ${e} Hz, Spikeflow's seeds ${seeds.map((s) => s[0]).join(', ')} Hz`).toBe(true);
    expect(withinSpread(i, seeds.map((s) => s[1])), `I: ${i} Hz, Spikeflow's seeds ${seeds.map((s) => s[1]).join(', ')} Hz`).toBe(true);
  }, 300_000);
});

/**
 * Issue 14: the seed examples exported to Brian2 compute what Spikeflow's CPU engine
 * computes — the same spike steps, and traces within 1e-6 of the trace's peak magnitude
 * (the CSVs hold f32 values; exp differs between V8 and the C library in the last bit).
 * Runs where /usr/bin/python3 imports brian2; skips with the reason printed otherwise.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, EXAMPLES } from '../helpers/cli.js';
import { maxRelativeDifference, missingPeer, readCsvFolder, runScript } from './peers.js';

const missing = missingPeer('brian2');
if (missing) console.log(`Brian2 export tests skipped: ${missing}`);

const EXAMPLE_NAMES = [
  'ampa-lif', 'gabaa-lif', 'nmda-lif',
  'izhikevich-rs', 'izhikevich-fs', 'izhikevich-ib', 'izhikevich-ch',
  'hh-dualexp-hh', 'hh-graded-hh', 'regular-alpha-lif', 'ramp-lif',
];

describe.skipIf(missing !== null)('Brian2 export of the seed examples', () => {
  const work = mkdtempSync(join(tmpdir(), 'spikeflow-brian2-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  for (const name of EXAMPLE_NAMES) {
    it(`${name}: same spikes and traces as the CPU engine`, () => {
      const project = join(EXAMPLES, `${name}.json`);
      const script = join(work, `${name}.py`);
      const exported = cli('export-model', project, '--to', 'brian2', '--out', script);
      expect(exported.stderr).toBe('');
      expect(exported.code).toBe(0);
      const ours = join(work, `${name}-spikeflow`);
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
      // Not a vacuous comparison: every example records a trace that moves.
      const moving = [...a.values()].some((c) => !c.header[1]!.endsWith('.neuron') && new Set(c.rows.map((r) => r[1])).size > 10);
      expect(moving).toBe(true);
    }, 120_000);
  }
});

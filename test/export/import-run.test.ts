/**
 * Issue 14, recording round trip: the CSV files an exported script writes (Spikeflow's
 * layout) load into a real lab file as a run of the project, and export back unchanged; a
 * file that does not fit the project's probes is refused by name, leaving the lab as it was.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compile } from '../../src-main/compiler/compile.js';
import { Simulation } from '../../src-main/engines/cpu/simulation.js';
import { largestCsvBytes } from '../../src-main/export/import-run.js';
import { CsvFolderSink } from '../../src-main/recordings/csv-writer.js';
import { parseDocumentText } from '../../src-shared/document/load.js';
import { cli, EXAMPLES } from '../helpers/cli.js';
import { missingPeer, runScript } from './peers.js';

const sameFiles = (a: string, b: string) => {
  const names = readdirSync(a).sort();
  expect(readdirSync(b).sort()).toEqual(names);
  for (const n of names) expect(readFileSync(join(b, n), 'utf8'), n).toBe(readFileSync(join(a, n), 'utf8'));
};

describe('spikeflow import-run', () => {
  const work = mkdtempSync(join(tmpdir(), 'spikeflow-import-run-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  const project = join(EXAMPLES, 'regular-alpha-lif.json');

  it('keeps recordings in Spikeflow\'s layout as a run that exports back unchanged', () => {
    const recorded = join(work, 'recorded');
    expect(cli('run', project, '--engine', 'cpu', '--out-dir', recorded).code).toBe(0);
    const db = join(work, 'lab.sqlite');
    const r = cli('import-run', recorded, '--project', project, '--simulator', 'nest', '--db', db);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^imported .* as run 1 of "/);
    const runs = cli('runs', '--db', db);
    expect(runs.stdout).toMatch(/imported: nest\s+\d+\s+finished/);
    const back = join(work, 'back');
    expect(cli('export', '1', '--out-dir', back, '--db', db).code).toBe(0);
    sameFiles(recorded, back);
  });

  it('refuses a file that does not fit the project\'s probes, naming it, and keeps nothing', () => {
    const recorded = join(work, 'bad');
    expect(cli('run', project, '--engine', 'cpu', '--out-dir', recorded).code).toBe(0);
    const file = join(recorded, 'cell_V.csv');
    writeFileSync(file, readFileSync(file, 'utf8').replace('cell.V[0] (mV)', 'cell.V[0] (V)'));
    const db = join(work, 'lab-bad.sqlite');
    const r = cli('import-run', recorded, '--project', project, '--db', db);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cell_V\.csv: header "t \(ms\),cell\.V\[0\] \(V\)" is not "t \(ms\),cell\.V\[0\] \(mV\)"/);
    expect(cli('runs', '--db', db).stdout).not.toMatch(/imported/);

    const short = join(work, 'short');
    cpSync(join(work, 'recorded'), short, { recursive: true });
    const r2 = cli('import-run', short, '--project', project, '--duration', '100 ms', '--db', db);
    expect(r2.code).toBe(1);
    // 300 ms of recordings against a 100 ms run: the first file that does not fit is named.
    expect(r2.stderr).toMatch(/^spikeflow: clock_spikes\.csv, line \d+: time \d+ ms is outside the run \(100 ms; give --duration/);

    // Far larger than any run of the project writes: refused by its size, unread (parsed,
    // a file of some hundred megabytes took gigabytes).
    const large = join(work, 'large');
    cpSync(join(work, 'recorded'), large, { recursive: true });
    const trace = join(large, 'cell_V.csv');
    writeFileSync(trace, readFileSync(trace, 'utf8').repeat(40));
    const r3 = cli('import-run', large, '--project', project, '--db', db);
    expect(r3.code).toBe(1);
    expect(r3.stderr).toMatch(/^spikeflow: cell_V\.csv: [\d.]+ MB, more than a run of 300 ms writes for this probe \(at most [\d.]+ MB; give --duration/);
    expect(cli('runs', '--db', db).stdout).not.toMatch(/imported/);
  });

  it.skipIf(missingPeer('brian2') !== null)('a Brian2 script\'s recordings load as a run next to Spikeflow\'s', () => {
    const ampa = join(EXAMPLES, 'ampa-lif.json');
    const script = join(work, 'ampa.py');
    expect(cli('export-model', ampa, '--to', 'brian2', '--out', script).code).toBe(0);
    const out = join(work, 'ampa-brian2');
    runScript(script, ['--out-dir', out]);
    const db = join(work, 'lab-b2.sqlite');
    expect(cli('run', ampa, '--engine', 'cpu', '--out-dir', join(work, 'ampa-sf'), '--db', db).code).toBe(0);
    const r = cli('import-run', out, '--project', ampa, '--db', db);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/as run 2 of "AMPA → LIF" \(version 1, 3 probes\)/); // the same project version as the Spikeflow run
    const back = join(work, 'ampa-back');
    expect(cli('export', '2', '--out-dir', back, '--db', db).code).toBe(0);
    sameFiles(out, back);
  }, 120_000);
});

describe('largestCsvBytes', () => {
  it('is never less than what a run of every example writes (no real recording refused by its size)', () => {
    for (const name of readdirSync(EXAMPLES).filter((f) => f.endsWith('.json'))) {
      const plan = compile(parseDocumentText(readFileSync(join(EXAMPLES, name), 'utf8')), { duration: '30 ms' });
      const out = mkdtempSync(join(tmpdir(), 'spikeflow-csv-size-'));
      try {
        const sink = new CsvFolderSink(plan, out);
        const sim = new Simulation(plan);
        sim.advance(plan.steps);
        for (const c of sim.drain()) sink.write(c);
        sink.close();
        for (const p of plan.probes) {
          const bytes = statSync(join(out, `${p.id}.csv`)).size;
          expect(bytes, `${name} ${p.id}`).toBeLessThanOrEqual(largestCsvBytes(plan, p));
        }
      } finally {
        rmSync(out, { recursive: true, force: true });
      }
    }
  });
});

/** The CLI's lab commands and the recorder behind `spikeflow run --db … --project …`. */
import fs from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { openRunRecorder, registerStoreCommands } from '../../src-main/cli/store-commands.js';
import { compile } from '../../src-main/compiler/compile.js';
import type { RunResult } from '../../src-main/engines/types.js';
import { formatValue } from '../../src-main/recordings/csv-format.js';
import { defaultLabPath, labPathInUserData } from '../../src-main/store/default-location.js';
import { openLab } from '../../src-main/store/lab.js';
import { parseDocument } from '../../src-shared/document/load.js';
import { sampleDocument, tempDir, tempLabPath } from './helpers.js';

/** Runs one CLI command line against a fresh program; returns what it printed. */
async function cli(...argv: string[]): Promise<string[]> {
  const lines: string[] = [];
  const program = new Command().exitOverride();
  registerStoreCommands(program, { out: (line) => lines.push(line) });
  await program.parseAsync(argv, { from: 'user' });
  return lines;
}

/** What a run of the sample document records: 4 neurons' V for 200 steps, spikes, 20 rate bins. */
function fakeEngineRun(db: string, description = 'd'): { runId: number; result: RunResult } {
  const document = parseDocument({ ...sampleDocument(), description });
  const plan = compile(document);
  const recorder = openRunRecorder({ db, project: 'ampa', document, plan, engine: 'cpu', settings: { duration: '20 ms', device: '4 × Test CPU' } });
  const values = new Float32Array(plan.steps * 4).map((_, i) => Math.fround(-65 + i / 1000));
  recorder.sink.write({ probe: 'v', kind: 'state', firstSample: 0, channels: 4, values });
  recorder.sink.write({ probe: 'sp', kind: 'spikes', steps: Int32Array.from([3, 3, 150]), neurons: Int32Array.from([1, 2, 0]) });
  recorder.sink.write({ probe: 'r', kind: 'rate', firstBin: 0, values: new Float32Array(20).fill(12.5) });
  const result: RunResult = { status: 'finished', stepsDone: plan.steps, wallMs: 42, engine: 'cpu', populations: [{ block: 'n', size: 4, spikes: 3, rateHz: 37.5 }] };
  recorder.finish(result);
  return { runId: recorder.runId, result };
}

describe('openRunRecorder', () => {
  it('saves the project version, records the run and its summary, and reuses an unchanged version', () => {
    const db = tempLabPath();
    const first = fakeEngineRun(db);
    const second = fakeEngineRun(db);
    const third = fakeEngineRun(db, 'edited');
    const lab = openLab(db);
    expect(lab.projects.versions('ampa').map((v) => v.message)).toEqual(['saved by spikeflow run', 'saved by spikeflow run']);
    const runs = lab.runs.list({ project: 'ampa' });
    expect(runs.map((r) => [r.id, r.versionNumber, r.status])).toEqual([[first.runId, 1, 'finished'], [second.runId, 1, 'finished'], [third.runId, 2, 'finished']]);
    expect(runs[0]).toMatchObject({ engine: 'cpu', seed: 7, dt: 0.1, steps: 200, stepsDone: 200, wallMs: 42, settings: { duration: '20 ms', device: '4 × Test CPU' } });
    expect(runs[0]!.summary).toEqual({
      stepsDone: 200,
      populations: first.result.populations,
      probes: { v: { kind: 'state', rows: 200 }, sp: { kind: 'spikes', rows: 3 }, r: { kind: 'rate', rows: 20 } },
    });
    expect(lab.projects.versionById(runs[2]!.versionId).document.description).toBe('edited');
    lab.close();
  });

  it('marks a failed run with the error message and keeps its recording', () => {
    const db = tempLabPath();
    const document = parseDocument(sampleDocument());
    const recorder = openRunRecorder({ db, project: 'ampa', document, plan: compile(document), engine: 'cpu', settings: {} });
    recorder.sink.write({ probe: 'r', kind: 'rate', firstBin: 0, values: Float32Array.from([1, 2, 3]) });
    recorder.fail(new Error('block "n": state "V" of neuron 2 became NaN or infinite'));
    const lab = openLab(db);
    const run = lab.runs.get(recorder.runId);
    expect(run).toMatchObject({ status: 'failed', message: 'block "n": state "V" of neuron 2 became NaN or infinite' });
    expect(Array.from(lab.recordings.readRate(run.id, 'r').values)).toEqual([1, 2, 3]);
    lab.close();
  });
});

describe('spikeflow projects / runs / export / delete-run', () => {
  it('list, export and delete through the command line', async () => {
    const db = tempLabPath();
    expect(await cli('projects', '--db', db)).toEqual([`no projects in ${db}`]);
    const { runId } = fakeEngineRun(db);

    const projects = await cli('projects', '--db', db);
    expect(projects[0]).toMatch(/^project\s+versions\s+runs\s+updated \(UTC\)$/);
    expect(projects[1]).toMatch(/^ampa\s+1\s+1\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);

    const runs = await cli('runs', 'ampa', '--db', db);
    expect(runs[0]).toMatch(/^run\s+project\s+version\s+engine\s+seed\s+status\s+started \(UTC\)\s+wall\s+device\s+message$/);
    expect(runs[1]).toMatch(new RegExp(`^${runId}\\s+ampa\\s+v1\\s+cpu\\s+7\\s+finished\\s+\\S+ \\S+\\s+42 ms  4 × Test CPU$`));
    expect(await cli('runs', '--db', db)).toEqual(runs);

    const out = path.join(tempDir(), 'csv');
    const printed = await cli('export', String(runId), '--out-dir', out, '--probe', 'v', '--probe', 'r', '--db', db);
    expect(printed).toEqual([
      expect.stringMatching(new RegExp(`^wrote ${path.join(out, 'v.csv')} \\(\\d+\\.\\d kB, 200 rows\\)$`)),
      expect.stringMatching(new RegExp(`^wrote ${path.join(out, 'r.csv')} \\(\\d+ B, 20 rows\\)$`)),
    ]);
    const v = parse(fs.readFileSync(path.join(out, 'v.csv'), 'utf8')) as string[][];
    expect(v[0]).toEqual(['t (ms)', 'n.V[0] (mV)', 'n.V[1] (mV)', 'n.V[2] (mV)', 'n.V[3] (mV)']);
    expect(v[3]).toEqual(['0.2', ...[8, 9, 10, 11].map((i) => formatValue(Math.fround(-65 + i / 1000)))]);
    await cli('export', String(runId), '--out-dir', out, '--long', '--db', db);
    expect(fs.readFileSync(path.join(out, 'v.csv'), 'utf8').split('\n')[0]).toBe('t (ms),neuron,n.V (mV)');
    expect(fs.readdirSync(out).sort()).toEqual(['r.csv', 'sp.csv', 'v.csv']);
    // --at picks weight snapshots: on a run without them it is ignored, and the user told so.
    const warnings: string[] = [];
    const withWarnings = new Command().exitOverride();
    registerStoreCommands(withWarnings, { out: () => undefined, warn: (line) => warnings.push(line) });
    await withWarnings.parseAsync(['export', String(runId), '--out-dir', out, '--at', '5 ms', '--db', db], { from: 'user' });
    expect(warnings).toEqual(['warning: --at picks weight snapshots, and no probe written records them: ignored (every row written)']);

    expect(await cli('delete-run', String(runId), '--db', db)).toEqual([expect.stringMatching(new RegExp(`^deleted run ${runId} from ${db} \\(freed .+\\)$`))]);
    expect(await cli('runs', '--db', db)).toEqual([`no runs in ${db}`]);
  });

  it('fail with one-line messages naming the file, run or probe', async () => {
    const db = tempLabPath();
    const { runId } = fakeEngineRun(db);
    const out = tempDir();
    await expect(cli('export', 'abc', '--out-dir', out, '--db', db)).rejects.toThrow('"abc" is not a run number (see "spikeflow runs" for the numbers)');
    await expect(cli('export', '99', '--out-dir', out, '--db', db)).rejects.toThrow(`${db} has no run 99`);
    await expect(cli('export', String(runId), '--probe', 'x', '--out-dir', out, '--db', db)).rejects.toThrow(`${db}: run ${runId} has no probe "x" (its probes: v, sp, r)`);
    await expect(cli('runs', 'nope', '--db', db)).rejects.toThrow(`${db} has no project "nope"`);
    await expect(cli('delete-run', '99', '--db', db)).rejects.toThrow(`${db} has no run 99`);
    const notLab = path.join(out, 'notes.txt');
    fs.writeFileSync(notLab, 'hello, this is text and not a database at all '.repeat(20));
    await expect(cli('projects', '--db', notLab)).rejects.toThrow(`${notLab} is not a Spikeflow lab database (it is not an SQLite file)`);
    // A folder given for the lab: said so (SQLite says "disk I/O error" or "unable to open").
    await expect(cli('projects', '--db', out)).rejects.toThrow(`cannot open ${out}: it is a folder, not a lab file`);
    await expect(cli('runs', '--db', out)).rejects.toThrow(`cannot open ${out}: it is a folder, not a lab file`);
  });
});

describe('default lab location', () => {
  it('follows XDG_DATA_HOME, else ~/.local/share; the app passes its userData folder', () => {
    expect(defaultLabPath({ XDG_DATA_HOME: '/data' }, '/home/ada')).toBe('/data/spikeflow/lab.sqlite');
    expect(defaultLabPath({}, '/home/ada')).toBe('/home/ada/.local/share/spikeflow/lab.sqlite');
    expect(defaultLabPath({ XDG_DATA_HOME: 'relative' }, '/home/ada')).toBe('/home/ada/.local/share/spikeflow/lab.sqlite');
    expect(labPathInUserData('/cfg/Spikeflow')).toBe('/cfg/Spikeflow/lab.sqlite');
  });
});

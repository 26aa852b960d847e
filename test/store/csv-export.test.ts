/**
 * CSV export: recordings in → CSV out, parsed back with csv-parse and compared value by
 * value with what was recorded and with the reference formatting of csv-format.ts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { csvHeader, csvLongHeader, formatTime, formatValue, type ProbeLayout } from '../../src-main/recordings/csv-format.js';
import { exportRunCsv, writeProbeCsv } from '../../src-main/store/csv-export.js';
import { makeTimeWriter, writeValue } from '../../src-main/store/fast-format.js';
import { openLab } from '../../src-main/store/lab.js';
import { LAYOUTS, rateValue, spikesAt, startSyntheticRun, stateValue, streamSynthetic, tempDir, tempLabPath } from './helpers.js';

const DT = 0.1;
const stateLayout = LAYOUTS[0] as Extract<ProbeLayout, { kind: 'state' }>;

function recordedLab(samples: number) {
  const lab = openLab(tempLabPath());
  const runId = startSyntheticRun(lab);
  const writer = lab.recordings.writer(runId, { chunkBytes: 1000 });
  streamSynthetic(writer, samples, 333);
  writer.close();
  lab.runs.finish(runId, { status: 'finished', wallMs: 1 });
  return { lab, runId };
}

function readCsv(file: string): string[][] {
  return parse(fs.readFileSync(file, 'utf8'), { relax_column_count: false }) as string[][];
}

/**
 * Checks that a cell holds the recorded f32 exactly, printed as formatValue prints it;
 * returns a description of the mismatch, or nothing (one expect per cell would be slow).
 */
function valueMismatch(cell: string | undefined, recorded: number, where: string): string[] {
  const ok = cell === formatValue(recorded) && Object.is(Math.fround(Number(cell)), recorded === 0 ? 0 : recorded);
  return ok ? [] : [`${where}: ${cell} ≠ ${recorded}`];
}

describe('CSV export', () => {
  it('writes every probe in the wide layout; parsed back, every time and value matches', async () => {
    const samples = 40_000; // ≈ 1.4 MB of state CSV: more than one output buffer
    const { lab, runId } = recordedLab(samples);
    const dir = tempDir();
    const files = await exportRunCsv(lab, runId, dir);
    expect(files.map((f) => path.basename(f.file))).toEqual(['v.csv', 'sp.csv', 'r.csv']);
    expect(fs.readdirSync(dir).sort()).toEqual(['r.csv', 'sp.csv', 'v.csv']);

    const state = readCsv(path.join(dir, 'v.csv'));
    expect(state[0]).toEqual(csvHeader(stateLayout));
    expect(state[0]).toEqual(['t (ms)', 'n.V[0] (mV)', 'n.V[2] (mV)', 'n.V[5] (mV)']);
    expect(state).toHaveLength(samples + 1);
    const wrong: string[] = [];
    for (let s = 0; s < samples; s++) {
      const row = state[s + 1]!;
      if (row[0] !== formatTime(s * stateLayout.every, DT)) wrong.push(`time of sample ${s}: ${row[0]}`);
      for (let c = 0; c < 3; c++) wrong.push(...valueMismatch(row[c + 1], stateValue(s, c), `sample ${s} column ${c}`));
    }
    expect(wrong).toEqual([]);
    expect(files[0]).toMatchObject({ probe: 'v', rows: samples, bytes: fs.statSync(path.join(dir, 'v.csv')).size });

    const spikes = readCsv(path.join(dir, 'sp.csv'));
    expect(spikes[0]).toEqual(['t (ms)', 'n.neuron']);
    const expected: string[][] = [];
    for (let step = 0; step < samples * 2; step++) for (const n of spikesAt(step)) expected.push([formatTime(step, DT), String(n)]);
    expect(spikes.slice(1)).toEqual(expected);

    const rate = readCsv(path.join(dir, 'r.csv'));
    expect(rate[0]).toEqual(['t (ms)', 'n.rate (Hz)']);
    expect(rate).toHaveLength(samples / 5 + 1);
    rate.slice(1).forEach((row, b) => {
      if (row[0] !== formatTime(b * 10, DT)) wrong.push(`time of bin ${b}: ${row[0]}`);
      wrong.push(...valueMismatch(row[1], rateValue(b), `bin ${b}`));
    });
    expect(wrong).toEqual([]);
    lab.close();
  });

  it('writes state probes in the long layout on request', async () => {
    const { lab, runId } = recordedLab(2000);
    const dir = tempDir();
    const [file] = await exportRunCsv(lab, runId, dir, { probes: ['v'], long: true });
    const rows = readCsv(file!.file);
    expect(rows[0]).toEqual(csvLongHeader(stateLayout));
    expect(rows[0]).toEqual(['t (ms)', 'neuron', 'n.V (mV)']);
    expect(rows).toHaveLength(2000 * 3 + 1);
    const wrong: string[] = [];
    for (let s = 0; s < 2000; s++) {
      for (let c = 0; c < 3; c++) {
        const row = rows[1 + s * 3 + c]!;
        if (row[0] !== formatTime(s * 2, DT) || row[1] !== String(stateLayout.neurons[c])) wrong.push(`row of sample ${s}, column ${c}: ${row}`);
        wrong.push(...valueMismatch(row[2], stateValue(s, c), `sample ${s} column ${c}`));
      }
    }
    expect(wrong).toEqual([]);
    expect(file!.rows).toBe(6000);
    expect(fs.readdirSync(dir)).toEqual(['v.csv']);
    lab.close();
  });

  it('streams the same bytes into a Node stream as into a file', async () => {
    const { lab, runId } = recordedLab(5000);
    const dir = tempDir();
    const [file] = await exportRunCsv(lab, runId, dir, { probes: ['v'] });
    const stream = new PassThrough();
    const parts: Buffer[] = [];
    stream.on('data', (b: Buffer) => parts.push(b));
    const result = await writeProbeCsv(lab, runId, 'v', stream);
    expect(Buffer.concat(parts).equals(fs.readFileSync(file!.file))).toBe(true);
    expect(result.bytes).toBe(file!.bytes);
    lab.close();
  });

  it('names the run and probe when a probe does not exist, and leaves no partial file', async () => {
    const { lab, runId } = recordedLab(10);
    const dir = tempDir();
    await expect(exportRunCsv(lab, runId, dir, { probes: ['v', 'nope'] })).rejects.toThrow(
      `${lab.file}: run ${runId} has no probe "nope" (its probes: v, sp, r)`,
    );
    await expect(exportRunCsv(lab, 999, dir)).rejects.toThrow(`${lab.file} has no run 999`);
    const notADir = path.join(dir, 'file');
    fs.writeFileSync(notADir, 'x');
    await expect(exportRunCsv(lab, runId, notADir)).rejects.toThrow(`cannot create the output folder ${notADir}`);
    expect(fs.readdirSync(dir)).toEqual(['file']);
    lab.close();
  });

  it('removes the temporary files a killed export left in the folder', async () => {
    const { lab, runId } = recordedLab(10);
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'v.csv.partial'), 'half');
    fs.writeFileSync(path.join(dir, 'gone.csv.partial'), 'half');
    fs.writeFileSync(path.join(dir, 'keep.csv'), 'a whole file');
    await exportRunCsv(lab, runId, dir);
    expect(fs.readdirSync(dir).sort()).toEqual(['keep.csv', 'r.csv', 'sp.csv', 'v.csv']);
    lab.close();
  });
});

describe('fast number formatting', () => {
  const buf = new Uint8Array(64);
  const text = (end: number) => Buffer.from(buf.subarray(0, end)).toString('latin1');

  it('writes exactly what formatValue writes, for random f32 bit patterns and edge values', () => {
    const bits = new Uint32Array(1);
    const f32 = new Float32Array(bits.buffer);
    let seed = 12345;
    const next = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0);
    const values: number[] = [0, -0, Infinity, -Infinity, NaN, 1e-4, 1e5, 99999.99, 0.1, -65, 1, 10, 9.999999, 2 ** -10, 2 ** 16, 1.4e-45, 3.4028235e38];
    for (let i = 0; i < 60_000; i++) {
      bits[0] = next();
      values.push(f32[0]!);
    }
    for (let i = 0; i < 60_000; i++) values.push(Math.fround((next() / 2 ** 32 - 0.5) * 10 ** ((next() % 14) - 6)));
    for (let e = -6; e <= 6; e++) for (let k = -3; k <= 3; k++) values.push(Math.fround(10 ** e) + k * 2 ** (e * 3.33 - 23));
    const wrong = values.map(Math.fround).filter((v) => text(writeValue(buf, 0, v)) !== formatValue(v));
    expect(wrong).toEqual([]);
  });

  it('writes exactly what formatTime writes, for common and awkward dt', () => {
    const wrong: string[] = [];
    for (const dt of [0.1, 0.025, 0.05, 0.01, 0.2, 0.3, 1, 2.5, 0.001, 1 / 30, 0.1 + 0.2, 1e-7]) {
      const write = makeTimeWriter(dt);
      const steps = [...Array.from({ length: 5000 }, (_, i) => i), 123456789, 2 ** 31 - 1, 99999999999, 1e12, 7e13];
      for (const step of steps) {
        const got = text(write(buf, 0, step));
        if (got !== formatTime(step, dt)) wrong.push(`${dt}×${step}: ${got} ≠ ${formatTime(step, dt)}`);
      }
    }
    expect(wrong).toEqual([]);
  });
});

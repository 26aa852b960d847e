/**
 * Checksums (lab schema 4): bytes altered inside the file, where SQLite's own integrity
 * check still says "ok", are caught on every read and export and named by run, probe and
 * time range; `export --skip-damaged` writes what is intact and says what it left out.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { registerStoreCommands } from '../../src-main/cli/store-commands.js';
import { DamagedDataError } from '../../src-main/store/checksums.js';
import { exportRunCsv } from '../../src-main/store/csv-export.js';
import { openLab } from '../../src-main/store/lab.js';
import { startSyntheticRun, streamSynthetic, tempDir, tempLabPath } from './helpers.js';

/** Runs one CLI command line; returns what it printed and warned. */
async function cli(...argv: string[]): Promise<{ out: string[]; warn: string[] }> {
  const out: string[] = [];
  const warn: string[] = [];
  const program = new Command().exitOverride();
  registerStoreCommands(program, { out: (line) => out.push(line), warn: (line) => warn.push(line) });
  await program.parseAsync(argv, { from: 'user' });
  return { out, warn };
}

/** A lab with one finished synthetic run, recorded in small chunks; closed (WAL written back). */
function recordedLab(): { file: string; runId: number } {
  const file = tempLabPath();
  const lab = openLab(file);
  const runId = startSyntheticRun(lab);
  const writer = lab.recordings.writer(runId, { chunkBytes: 1200 });
  streamSynthetic(writer, 2000, 250);
  writer.close();
  lab.runs.finish(runId, { status: 'finished', wallMs: 1 });
  lab.close();
  return { file, runId };
}

/** Flips one byte inside the stored bytes `inside` (found in the raw file), as a failing disk would. */
function flipByteOf(file: string, inside: Buffer): void {
  const bytes = fs.readFileSync(file);
  const at = bytes.indexOf(inside);
  expect(at).toBeGreaterThan(0);
  expect(bytes.indexOf(inside, at + 1)).toBe(-1);
  bytes[at + Math.floor(inside.length / 2)]! ^= 0x10;
  fs.writeFileSync(file, bytes);
}

/** The data of the chunk of `probe` with the given first index. */
function chunkData(file: string, runId: number, probe: string, first: number): Buffer {
  const db = new Database(file, { readonly: true });
  const row = db.prepare('SELECT data FROM chunks WHERE run_id = ? AND probe = ? AND first = ?').get(runId, probe, first) as { data: Buffer };
  db.close();
  return row.data.subarray(8, 40);
}

function integrity(file: string): unknown {
  const db = new Database(file, { readonly: true });
  const result = db.pragma('integrity_check', { simple: true });
  db.close();
  return result;
}

describe('a recording chunk with a flipped byte', () => {
  it('passes SQLite integrity_check, yet every read and export names its run, probe and time range', async () => {
    const { file, runId } = recordedLab();
    // Rate probe "r": 10 steps per bin, dt 0.1 ms → 1 ms per bin; the chunk from bin 0 is damaged.
    flipByteOf(file, chunkData(file, runId, 'r', 0));
    expect(integrity(file)).toBe('ok');

    const lab = openLab(file, { readonly: true });
    const read = () => lab.recordings.readRate(runId, 'r');
    expect(read).toThrow(DamagedDataError);
    expect(read).toThrow(new RegExp(`run ${runId}, probe "r", t = 0 to \\d+ ms is damaged`));
    // The other probes are intact and still read.
    expect(lab.recordings.readState(runId, 'v').samples).toBe(2000);
    const dir = tempDir();
    await expect(exportRunCsv(lab, runId, dir, { probes: ['r'] })).rejects.toThrow(DamagedDataError);
    expect(fs.readdirSync(dir)).toEqual([]);
    lab.close();

    await expect(cli('export', String(runId), '--out-dir', dir, '--db', file)).rejects.toThrow(/probe "r", t = 0 to \d+ ms is damaged.*--skip-damaged/);
    expect(fs.readdirSync(dir).filter((f) => f.startsWith('r.'))).toEqual([]);
  });

  it('export --skip-damaged writes everything else and says which time range it left out', async () => {
    const { file, runId } = recordedLab();
    const damaged = chunkData(file, runId, 'v', 0);
    flipByteOf(file, damaged);
    const dir = tempDir();
    const { out, warn } = await cli('export', String(runId), '--out-dir', dir, '--skip-damaged', '--db', file);
    expect(out).toHaveLength(3);
    expect(fs.readdirSync(dir).sort()).toEqual(['r.csv', 'sp.csv', 'v.csv']);
    expect(warn).toHaveLength(1);
    // Chunks of 1200 bytes hold 100 samples of 3 neurons; a sample every 2 steps of 0.1 ms.
    expect(warn[0]).toMatch(new RegExp(`^left out of .*v\\.csv: run ${runId}, probe "v", t = 0 to 19.8 ms \\(damaged`));
    // The state CSV starts after the damaged chunk, at sample 100 (t = 20 ms).
    const rows = fs.readFileSync(path.join(dir, 'v.csv'), 'utf8').trim().split('\n');
    expect(rows[1]!.split(',')[0]).toBe('20');
    expect(rows).toHaveLength(1 + 1900);
  });

  it('a flipped index (first sample) is caught as surely as a flipped value', () => {
    const { file, runId } = recordedLab();
    const db = new Database(file);
    // As if the disk had altered the row's first index: the checksum still holds the old one.
    db.prepare("UPDATE chunks SET first = first + 1, last = last + 1 WHERE run_id = ? AND probe = 'r' AND first = 0").run(runId);
    db.close();
    const lab = openLab(file, { readonly: true });
    expect(() => lab.recordings.readRate(runId, 'r')).toThrow(/probe "r", t = 1 to \d+ ms is damaged/);
    lab.close();
  });
});

describe('a saved document with a flipped byte', () => {
  it('is refused by name instead of being opened with altered values', () => {
    const file = tempLabPath();
    const lab = openLab(file);
    startSyntheticRun(lab);
    lab.close();
    flipByteOf(file, Buffer.from('five Poisson sources drive four LIF neurons'));
    expect(integrity(file)).toBe('ok');
    const reader = openLab(file, { readonly: true });
    expect(() => reader.projects.open('P')).toThrow(DamagedDataError);
    expect(() => reader.projects.open('P')).toThrow(/project "P" version 1 is damaged \(the stored document does not match its checksum\)/);
    reader.close();
  });
});

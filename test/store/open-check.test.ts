/**
 * The check when a lab opens: every page for a small lab; for a large one (here: any lab
 * over a lowered threshold) a bounded sample — header, schema, the newest rows, the
 * checksums of the newest chunks and a spread over the rest, the newest documents — that
 * says what it looked at. A damaged chunk the sample covers refuses the lab for writing,
 * naming run and probe, and leaves the file as it was.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { DAMAGED } from '../../src-main/store/database.js';
import { LabError } from '../../src-main/store/errors.js';
import { checkLab } from '../../src-main/store/lab-check.js';
import { openLab } from '../../src-main/store/lab.js';
import { QUICK_CHECK_SAMPLE_CHUNKS } from '../../src-main/store/open-check.js';
import { startSyntheticRun, streamSynthetic, tempLabPath } from './helpers.js';

/** A closed lab with one finished run recorded in many small chunks (ids, and those of probe "v"). */
function recordedLab(): { file: string; runId: number; chunks: number[]; vChunks: number[] } {
  const file = tempLabPath();
  const lab = openLab(file);
  const runId = startSyntheticRun(lab);
  const writer = lab.recordings.writer(runId, { chunkBytes: 256 });
  streamSynthetic(writer, 4000, 100);
  writer.close();
  lab.runs.finish(runId, { status: 'finished', wallMs: 1 });
  const chunks = lab.db.prepare('SELECT id FROM chunks ORDER BY id').pluck().all() as number[];
  const vChunks = lab.db.prepare("SELECT id FROM chunks WHERE probe = 'v' ORDER BY id").pluck().all() as number[];
  lab.close();
  return { file, runId, chunks, vChunks };
}

/** Flips one byte in the middle of chunk `id`'s data, found in the raw file, as a failing disk would. */
function flipByteOfChunk(file: string, id: number): string {
  const db = new Database(file, { readonly: true });
  const row = db.prepare('SELECT probe, data FROM chunks WHERE id = ?').get(id) as { probe: string; data: Buffer };
  db.close();
  const inside = row.data.subarray(8, 40);
  const bytes = fs.readFileSync(file);
  const at = bytes.indexOf(inside);
  expect(at).toBeGreaterThan(0);
  expect(bytes.indexOf(inside, at + 1)).toBe(-1);
  bytes[at + 16]! ^= 0x10;
  fs.writeFileSync(file, bytes);
  return row.probe;
}

const sha = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

/** Opens a lab and returns what its check on opening said it looked at. */
function checkedOnOpening(file: string, options: Parameters<typeof openLab>[1] = {}): string {
  let checked = '';
  openLab(file, { ...options, onChecked: (check) => { checked = check.checked; } }).close();
  return checked;
}
/** Lowered so that a test lab of a few hundred KiB counts as large. */
const LARGE = { quickCheckMaxBytes: 1024 };

describe('the check when a lab opens', () => {
  it('checks every page of a small lab', () => {
    const { file } = recordedLab();
    expect(checkedOnOpening(file)).toBe('every page (SQLite quick_check)');
  });

  it('checks a bounded sample of a large lab and says what', () => {
    const { file, chunks } = recordedLab();
    expect(chunks.length).toBeGreaterThan(4 * QUICK_CHECK_SAMPLE_CHUNKS);
    const checked = checkedOnOpening(file, LARGE);
    expect(checked).toMatch(/^a sample \(the lab is \d+ MiB, over the 0 MiB checked in full\): the file header, the schema, the newest rows of its \d+ tables, /);
    const verified = Number(/the checksums of (\d+) recording chunks/.exec(checked)?.[1]);
    expect(verified).toBeGreaterThan(QUICK_CHECK_SAMPLE_CHUNKS / 2);
    expect(verified).toBeLessThanOrEqual(QUICK_CHECK_SAMPLE_CHUNKS);
    expect(checked).toContain(`a spread over chunk ids ${chunks[0]} to ${chunks.at(-1)}`);
    expect(checked).toContain('the checksums of the 1 newest saved documents');
  });

  it('refuses a large lab for writing when a sampled chunk is damaged, naming run and probe, and leaves it as it was', () => {
    const { file, runId, vChunks } = recordedLab();
    const probe = flipByteOfChunk(file, vChunks.at(-1)!);
    const before = sha(file);
    let err: unknown;
    try {
      openLab(file, LARGE);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(LabError);
    expect((err as LabError).code).toBe(DAMAGED);
    expect((err as LabError).message).toContain(`run ${runId}, probe ${JSON.stringify(probe)}: a recording chunk is damaged`);
    expect((err as LabError).message).toContain('found checking a sample');
    expect(sha(file)).toBe(before);

    const reader = openLab(file, { ...LARGE, readonly: true });
    expect(reader.damage).toEqual([`run ${runId}, probe ${JSON.stringify(probe)}: a recording chunk is damaged (it does not match its checksum)`]);
    reader.close();
  });

  it('leaves a chunk outside the sample to the full check (spikeflow check)', () => {
    const { file, chunks, vChunks } = recordedLab();
    // The spread's steps are wider than the distance from the first chunk; the newest are at the end.
    const step = Math.floor(chunks.length / (QUICK_CHECK_SAMPLE_CHUNKS / 2));
    expect(vChunks[1]! - chunks[0]!).toBeLessThan(step);
    const db = new Database(file);
    db.prepare('UPDATE chunks SET data = zeroblob(length(data)) WHERE id = ?').run(vChunks[1]); // its checksum no longer matches
    db.close();
    const lab = openLab(file, { ...LARGE, readonly: true });
    expect(lab.damage).toEqual([]);
    expect(checkLab(lab).problems).toEqual([expect.stringMatching(/the recording is damaged/)]);
    lab.close();
  });
});

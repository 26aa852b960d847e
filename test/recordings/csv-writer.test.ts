/**
 * The CSV files of `spikeflow run --out-dir`: under a temporary name until complete, so a
 * killed run or a full disk never leaves a truncated file under a final name; a write
 * error names the file; temporary files a killed run left are removed by the next one.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { compile } from '../../src-main/compiler/compile.js';
import { CsvFolderSink } from '../../src-main/recordings/csv-writer.js';
import { parseDocument } from '../../src-shared/document/load.js';
import { sampleDocument } from '../store/synthetic.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spikeflow-csv-'));
  dirs.push(dir);
  return dir;
}

const plan = compile(parseDocument(sampleDocument()));
const rateChunk = (firstBin: number, bins: number) => ({ probe: 'r', kind: 'rate' as const, firstBin, values: new Float32Array(bins).fill(12.5) });

describe('CsvFolderSink', () => {
  it('writes <probe>.csv.partial while running and renames each file when closed', () => {
    const dir = tempDir();
    const sink = new CsvFolderSink(plan, dir);
    sink.write(rateChunk(0, 3));
    expect(fs.readdirSync(dir).sort()).toEqual(['r.csv.partial', 'sp.csv.partial', 'v.csv.partial']);
    sink.close();
    expect(fs.readdirSync(dir).sort()).toEqual(['r.csv', 'sp.csv', 'v.csv']);
    expect(fs.readFileSync(path.join(dir, 'r.csv'), 'utf8')).toBe('t (ms),n.rate (Hz)\n0,12.5\n1,12.5\n2,12.5\n');
  });

  it('removes temporary files that a killed run left in the folder', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'old.csv.partial'), 'half a fi');
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'kept');
    new CsvFolderSink(plan, dir).close();
    expect(fs.readdirSync(dir).sort()).toEqual(['notes.txt', 'r.csv', 'sp.csv', 'v.csv']);
  });

  it('on a full disk: the error names the file, and no file is left under a final name', (ctx) => {
    if (process.getuid?.() !== 0 || process.platform !== 'linux') return ctx.skip();
    const dir = tempDir();
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', dir], { stdio: 'ignore' });
    } catch {
      return ctx.skip();
    }
    try {
      const sink = new CsvFolderSink(plan, dir);
      let error: Error | undefined;
      try {
        for (let bin = 0; bin < 1e6; bin += 1000) sink.write(rateChunk(bin, 1000));
      } catch (e) {
        error = e as Error;
      }
      expect(error?.message).toBe(`cannot write ${path.join(dir, 'r.csv')}: the disk is full`);
      sink.close();
      expect(fs.readdirSync(dir)).toEqual([]);
    } finally {
      execFileSync('umount', [dir]);
    }
  });
});

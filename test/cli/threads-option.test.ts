/**
 * `spikeflow run --threads N`: the CPU engine steps on N worker threads and writes the same
 * CSV files as on one; the summary says how many; a bad count is refused by name; --verbose
 * prints where the time went. Through the real CLI in a child process.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, EXAMPLES } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'spikeflow-threads-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('spikeflow run --threads', () => {
  const example = join(EXAMPLES, 'coba.json');

  it('writes the CSV files of one thread on three, says so, and --verbose splits the time', () => {
    const one = cli('run', example, '--engine', 'cpu', '--duration', '50 ms', '--threads', '1', '--out-dir', join(dir, 'one'));
    expect(one.code, one.stderr).toBe(0);
    expect(one.stdout).not.toContain('threads)');
    const three = cli('run', example, '--engine', 'cpu', '--duration', '50 ms', '--threads', '3', '--verbose', '--out-dir', join(dir, 'three'));
    expect(three.code, three.stderr).toBe(0);
    expect(three.stdout).toContain('on the cpu engine (3 threads)');
    const split = /^time: start (\d+\.\d{3}) s, read (\d+\.\d{3}) s, compile (\d+\.\d{3}) s, engine start (\d+\.\d{3}) s, stepping (\d+\.\d{3}) s, writing after the run (\d+\.\d{3}) s, total (\d+\.\d{3}) s$/m.exec(three.stderr);
    expect(split, three.stderr).not.toBeNull();
    // The parts account for the whole process (each printed to the millisecond).
    const parts = split!.slice(1, 7).map(Number);
    expect(Math.abs(parts.reduce((a, b) => a + b, 0) - Number(split![7]))).toBeLessThan(0.006);
    const files = readdirSync(join(dir, 'one')).sort();
    expect(files.length).toBeGreaterThan(0);
    expect(readdirSync(join(dir, 'three')).sort()).toEqual(files);
    for (const f of files) expect(readFileSync(join(dir, 'three', f), 'utf8'), f).toBe(readFileSync(join(dir, 'one', f), 'utf8'));
  }, 60_000);

  it('refuses a count that is not a whole number of at least 1', () => {
    const r = cli('run', example, '--engine', 'cpu', '--threads', '0', '--out-dir', join(dir, 'bad'));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--threads: "0" is not a whole number from 1 to 1024');
  });
});

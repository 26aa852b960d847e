/**
 * `validate` checks and estimates without allocating per neuron (a 1e9-neuron block in a
 * process allowed 400 MB), and `run` refuses a model larger than the memory it may use
 * (--max-memory, or 80% of what is available) in one line naming the largest consumers.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, cli, EXAMPLES, ROOT } from '../helpers/cli.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spikeflow-memory-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** The ramp → LIF example with its neuron block grown to `size`. */
function rampLif(size: number): string {
  const doc = JSON.parse(fs.readFileSync(path.join(EXAMPLES, 'ramp-lif.json'), 'utf8')) as { blocks: Array<{ id: string; size?: number }> };
  doc.blocks.find((b) => b.id === 'cell')!.size = size;
  const file = path.join(dir, `ramp-lif-${size}.json`);
  fs.writeFileSync(file, JSON.stringify(doc));
  return file;
}

/** The CLI in a process whose data segment (heap and typed arrays) may not pass `bytes`. */
function capped(bytes: number, ...args: string[]) {
  const r = spawnSync('prlimit', [`--data=${bytes}`, process.execPath, BIN, ...args], {
    cwd: ROOT, encoding: 'utf8', timeout: 60_000, env: { ...process.env, NO_COLOR: '1' },
  });
  if (r.error) throw r.error;
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

describe('spikeflow validate and run: memory', () => {
  it('validate estimates a 1e9-neuron block without allocating it, and warns that it does not fit', () => {
    const file = rampLif(1e9);
    const r = capped(400 * 2 ** 20, 'validate', file);
    expect(r.signal).toBeNull();
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/: valid — 2 blocks, 0 synapse blocks, 2 probes, 3000 steps; needs about \d+ GB of memory and 3e12 element updates\n$/);
    const warnings = r.stderr.trim().split('\n');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^warning: the run needs about \d+ GB, more than the [\d.]+ MB it may use \(80% of the memory available; --max-memory sets another\): block cell: 1e9 neurons × 2 states × 24 B ≈ 48 GB; /);
  });

  it('run refuses it in one line naming the largest consumers, before allocating anything', () => {
    const r = capped(400 * 2 ** 20, 'run', rampLif(1e9), '--out-dir', path.join(dir, 'out-big'), '--engine', 'cpu');
    expect(r.signal).toBeNull();
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^spikeflow: \S+ramp-lif-1000000000\.json: block "cell": the run needs about \d+ GB, more than the [\d.]+ MB it may use .*: block cell: 1e9 neurons × 2 states × 24 B ≈ 48 GB; /),
    ]);
    expect(fs.existsSync(path.join(dir, 'out-big'))).toBe(false);
  });

  it('--max-memory sets the limit, and is checked', () => {
    const example = path.join(EXAMPLES, 'ampa-lif.json');
    const small = cli('run', example, '--out-dir', path.join(dir, 'out-small'), '--engine', 'cpu', '--max-memory', '10 kB');
    expect(small.code).toBe(1);
    expect(small.stderr).toMatch(/^spikeflow: \S+ampa-lif\.json: block "\w+": the run needs about [\d.]+ kB, more than the 10 kB it may use \(--max-memory 10 kB\): block /);
    const enough = cli('run', example, '--out-dir', path.join(dir, 'out-enough'), '--engine', 'cpu', '--max-memory', '1 GB');
    expect(enough.stderr).toBe('');
    expect(enough.code).toBe(0);
    const bad = cli('run', example, '--out-dir', path.join(dir, 'out-bad'), '--max-memory', 'lots');
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim()).toBe('spikeflow: --max-memory: "lots" is not an amount of memory (e.g. "8 GB", "512 MB")');
  });
});

/**
 * Connections are drawn straight into their rows (src-main/compiler/connectivity.ts): the
 * same connections, weights and row order as sorting a drawn list of pairs, but without
 * that list, so a large model holds one copy of its connections, not three.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { drawCsr, forEachConnection } from '../../src-main/compiler/connectivity.js';
import { HostRandom } from '../../src-main/compiler/host-random.js';
import type { ConnectionDoc } from '../../src-shared/document/schema.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The rows a list of pairs sorts into (counting sort, draw order kept within a row). */
function sortedRows(pairs: Array<[number, number, number]>, rows: number, byPre: boolean) {
  const ptr = new Array<number>(rows + 1).fill(0);
  for (const [i, j] of pairs) ptr[(byPre ? i : j) + 1]!++;
  for (let r = 0; r < rows; r++) ptr[r + 1]! += ptr[r]!;
  const fill = ptr.slice(0, rows);
  const idx: number[] = new Array(pairs.length);
  const w: number[] = new Array(pairs.length);
  for (const [i, j, weight] of pairs) {
    const at = fill[byPre ? i : j]!++;
    idx[at] = byPre ? j : i;
    w[at] = Math.fround(weight);
  }
  return { ptr, idx, w };
}

describe('drawCsr', () => {
  const rules: Array<[string, ConnectionDoc, number, number, boolean]> = [
    ['all-to-all without self-connections', { rule: 'all-to-all', selfConnections: false, delay: 0 }, 30, 30, true],
    ['one-to-one', { rule: 'one-to-one', selfConnections: true, delay: 0 }, 25, 25, false],
    ['fixed-probability', { rule: 'fixed-probability', p: 0.2, selfConnections: true, delay: 0 }, 40, 30, false],
    ['fixed-indegree (drawn by post)', { rule: 'fixed-indegree', indegree: 5, selfConnections: false, delay: 0 }, 20, 20, true],
    ['pairs (in any order)', { rule: 'pairs', pairs: [[3, 1], [0, 2], [3, 0], [1, 1], [0, 0]], selfConnections: true, delay: 0 }, 4, 3, false],
  ];
  for (const [name, conn, nPre, nPost, same] of rules) {
    it(`gives the rows a sorted list of pairs gives: ${name}`, () => {
      const draw = (visit: (i: number, j: number) => void) => forEachConnection(conn, nPre, nPost, same, new HostRandom(7, 11), visit);
      // Weights from their own stream, one per connection in draw order.
      const weights = () => { const rng = new HostRandom(7, 12); return () => rng.uniform(); };
      const pairs: Array<[number, number, number]> = [];
      const w = weights();
      draw((i, j) => pairs.push([i, j, w()]));
      expect(pairs.length).toBeGreaterThan(0);
      for (const [side, rows] of [['pre', nPre], ['post', nPost]] as const) {
        const csr = drawCsr(draw, rows, side, weights);
        const want = sortedRows(pairs, rows, side === 'pre');
        expect([...csr.ptr]).toEqual(want.ptr);
        expect([...csr.idx]).toEqual(want.idx);
        expect([...csr.w]).toEqual(want.w);
      }
    });
  }
});

describe('compiling a large model', () => {
  it('holds one copy of its connections: 2e7 connections compile within a 360 MB data limit', () => {
    // 2e7 connections take 160 MB as rows (Int32 index + Float32 weight). A list of drawn
    // pairs (8 B each, grown by doubling) and its Float64 weights beside them took 480 MB.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spikeflow-connectivity-'));
    const script = path.join(dir, 'compile.mts');
    fs.writeFileSync(script, `
      import { compile } from ${JSON.stringify(pathToFileURL(path.join(ROOT, 'src-main/compiler/compile.ts')).href)};
      import { parseDocument } from ${JSON.stringify(pathToFileURL(path.join(ROOT, 'src-shared/document/load.ts')).href)};
      const doc = parseDocument({
        format: 'spikeflow-project', version: 2, name: 'dense', run: { dt: '0.1 ms', duration: '1 ms', seed: 1 },
        blocks: [
          { id: 'src', type: 'poisson', size: 5000, params: { rate: '10 Hz' } },
          { id: 'syn', type: 'exponential', connection: { rule: 'all-to-all', weight: '1 nS' } },
          { id: 'cells', type: 'lif', size: 4000 },
        ],
        edges: [{ from: 'src.spikes', to: 'syn.pre' }, { from: 'syn.post', to: 'cells.I' }],
      });
      const plan = compile(doc);
      console.log(plan.projections[0].byPre.idx.length);
    `);
    try {
      const r = spawnSync('prlimit', [`--data=${360 * 2 ** 20}`, process.execPath, '--import', 'tsx', script], {
        cwd: ROOT, encoding: 'utf8', timeout: 120_000,
      });
      expect(r.stderr).toBe('');
      expect(r.stdout.trim()).toBe('20000000');
      expect(r.status).toBe(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('running a large model', () => {
  it('shares the connections with the CPU engine\'s worker: 2e7 connections run within a 400 MB data limit', () => {
    // The rows are in shared memory, so the worker's copy of the plan shares them; copied,
    // they took 160 MB more and the run failed under this limit.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spikeflow-connectivity-'));
    const file = path.join(dir, 'dense.json');
    fs.writeFileSync(file, JSON.stringify({
      format: 'spikeflow-project', version: 2, name: 'dense', run: { dt: '0.1 ms', duration: '1 ms', seed: 1 },
      blocks: [
        { id: 'src', type: 'poisson', size: 5000, params: { rate: '10 Hz' } },
        { id: 'syn', type: 'exponential', connection: { rule: 'all-to-all', weight: '1 nS' } },
        { id: 'cells', type: 'lif', size: 4000 },
        { id: 'spikes', type: 'spike-probe' },
      ],
      edges: [{ from: 'src.spikes', to: 'syn.pre' }, { from: 'syn.post', to: 'cells.I' }, { from: 'cells.spikes', to: 'spikes.spikes' }],
    }));
    try {
      const r = spawnSync('prlimit', [`--data=${400 * 2 ** 20}`, process.execPath, path.join(ROOT, 'bin', 'spikeflow.js'),
        'run', file, '--out-dir', path.join(dir, 'out'), '--engine', 'cpu', '--max-memory', '1 GB'], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
      expect(r.signal).toBeNull();
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/^finished: 1\.0 ms simulated/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

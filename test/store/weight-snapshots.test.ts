/**
 * Weight snapshots in the lab: stored as checksummed chunks with each connection's pre and
 * post neuron in the probe's layout (read back as recorded); the histogram reads (the weight
 * range over the run, one snapshot binned); and the weights CSV — one row per snapshot and
 * connection (t, pre, post, w) — from the lab (`spikeflow export`, the app) and from the
 * CLI's run folder, byte for byte the same, all snapshots or those at chosen times.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { registerStoreCommands } from '../../src-main/cli/store-commands.js';
import { formatTime, formatValue } from '../../src-main/recordings/csv-format.js';
import { exportRunCsv } from '../../src-main/store/csv-export.js';
import { openLabForReading } from '../../src-main/store/lab.js';
import { binSnapshotSteps, snapshotLayout, snapshotRangeSteps, snapshotsAt } from '../../src-main/store/weight-snapshots.js';
import { runPlasticIntoLab } from '../helpers/plastic-lab.js';
import { tempDir, tempLabPath } from './helpers.js';

function finish<T>(steps: Generator<void, T>): T {
  for (;;) {
    const s = steps.next();
    if (s.done) return s.value;
  }
}

describe('weight snapshots in the lab', () => {
  it('round trip: the layout keeps each connection\'s endpoints, the chunks every snapshot as recorded', () => {
    const file = tempLabPath();
    const run = runPlasticIntoLab(file);
    run.lab.close();
    const lab = openLabForReading(file);
    const layout = snapshotLayout(lab, run.runId, 'snaps');
    const probe = run.plan.probes.find((p) => p.id === 'snaps')!;
    expect(probe.kind === 'state' && probe.snapshots).toBeTruthy();
    if (probe.kind !== 'state') throw new Error('unreachable');
    expect(Array.from(layout.snapshots.pre)).toEqual([...probe.snapshots!.pre]);
    expect(Array.from(layout.snapshots.post)).toEqual([...probe.snapshots!.post]);
    expect(Array.from(layout.neurons)).toEqual([...probe.neurons]);
    // Stored compactly: the channels as their count, the endpoints as base64 Int32.
    const row = lab.db.prepare("SELECT layout FROM probes WHERE run_id = ? AND probe = 'snaps'").pluck().get(run.runId) as string;
    expect(JSON.parse(row)).toMatchObject({ kind: 'state', connections: probe.neurons.length, snapshots: { pre: expect.any(String), post: expect.any(String) } });
    expect(JSON.parse(row).neurons).toBeUndefined();
    expect(layout.every).toBe(100);
    const stored = lab.recordings.readState(run.runId, 'snaps');
    expect(stored.samples).toBe(9); // t = 0, 10, …, 80 ms
    const n = layout.neurons.length;
    for (let c = 0; c < n; c++) {
      expect(Array.from({ length: 9 }, (_, s) => stored.values[s * n + c])).toEqual(run.snapshots[c]);
      expect(stored.values[8 * n + c]).toBe(Math.fround(run.finalWeights[c]!)); // the last snapshot: the final weights
    }
    expect(lab.runs.get(run.runId).summary?.probes?.snaps).toEqual({ kind: 'state', rows: 9 });
    // Binned: every connection counted once, in the bin of its weight over the run's range.
    const { lo, hi } = finish(snapshotRangeSteps(lab, run.runId, 'snaps'));
    const all = run.snapshots.flat();
    expect([lo, hi]).toEqual([Math.min(...all), Math.max(...all)]);
    for (const s of [0, 4, 8]) {
      const bins = 7;
      const { counts, n: counted, mean } = finish(binSnapshotSteps(lab, run.runId, 'snaps', s, bins, lo, hi));
      const expected = new Array<number>(bins).fill(0);
      for (const w of run.snapshots.map((c) => c[s]!)) expected[Math.min(bins - 1, Math.floor(((w - lo) * bins) / (hi - lo)))]!++;
      expect(counts).toEqual(expected);
      expect(counted).toBe(n);
      expect(mean).toBeCloseTo(run.snapshots.reduce((a, c) => a + c[s]!, 0) / n, 12);
    }
    lab.close();
  });

  it('exports one row per snapshot and connection (t, pre, post, w), the same from the lab and from the run folder', async () => {
    const folder = tempDir();
    const run = runPlasticIntoLab(tempLabPath(), folder);
    const layout = snapshotLayout(run.lab, run.runId, 'snaps');
    const out = tempDir();
    const [written] = await exportRunCsv(run.lab, run.runId, out, { probes: ['snaps'] });
    const text = fs.readFileSync(written!.file, 'utf8');
    expect(text).toBe(fs.readFileSync(path.join(folder, 'snaps.csv'), 'utf8'));
    const rows = parse(text) as string[][];
    expect(rows[0]).toEqual(['t (ms)', 'pre', 'post', 'syn.w (µS)']);
    const n = layout.neurons.length;
    expect(rows).toHaveLength(1 + 9 * n);
    expect(written!.rows).toBe(9 * n);
    for (let s = 0; s < 9; s++) {
      for (let c = 0; c < n; c++) {
        expect(rows[1 + s * n + c]).toEqual([formatTime(s * 100, 0.1), String(layout.snapshots.pre[c]), String(layout.snapshots.post[c]), formatValue(run.snapshots[c]![s]!)]);
      }
    }
    run.lab.close();
  });

  it('exports the snapshots at chosen times (the nearest), and refuses a time outside the run naming the snapshots there are', async () => {
    const run = runPlasticIntoLab(tempLabPath());
    const n = snapshotLayout(run.lab, run.runId, 'snaps').neurons.length;
    expect(snapshotsAt(run.lab, run.runId, 'snaps', [0, 41, 80])).toEqual([0, 4, 8]);
    const out = tempDir();
    const [written] = await exportRunCsv(run.lab, run.runId, out, { probes: ['snaps'], atMs: [80, 0] });
    const rows = parse(fs.readFileSync(written!.file, 'utf8')) as string[][];
    expect(rows).toHaveLength(1 + 2 * n);
    expect(written!.rows).toBe(2 * n);
    expect(new Set(rows.slice(1).map((r) => r[0]))).toEqual(new Set(['0', '80']));
    expect(rows.slice(1 + n).map((r) => r[3])).toEqual(run.snapshots.map((c) => formatValue(c[8]!)));
    await expect(exportRunCsv(run.lab, run.runId, out, { probes: ['snaps'], atMs: [120] }))
      .rejects.toThrow(/run \d+, probe "snaps" has no snapshot at t = 120 ms \(snapshots every 10 ms from 0 ms to 80 ms\)/);
    run.lab.close();
  });

  it('spikeflow export --at: the snapshots at those times (units as everywhere; a bare number is ms); a bad time named', async () => {
    const db = tempLabPath();
    const run = runPlasticIntoLab(db);
    const n = snapshotLayout(run.lab, run.runId, 'snaps').neurons.length;
    run.lab.close();
    const cli = async (...argv: string[]) => {
      const lines: string[] = [];
      const program = new Command().exitOverride();
      registerStoreCommands(program, { out: (line) => lines.push(line), warn: () => undefined });
      await program.parseAsync(argv, { from: 'user' });
      return lines;
    };
    const out = tempDir();
    const printed = await cli('export', String(run.runId), '--probe', 'snaps', '--at', '0.02 s, 70', '--out-dir', out, '--db', db);
    expect(printed).toEqual([expect.stringMatching(new RegExp(`^wrote .*snaps\\.csv \\(.*, ${2 * n} rows\\)$`))]);
    const rows = parse(fs.readFileSync(path.join(out, 'snaps.csv'), 'utf8')) as string[][];
    expect(rows[0]).toEqual(['t (ms)', 'pre', 'post', 'syn.w (µS)']);
    expect(rows.slice(1).map((r) => r[0])).toEqual([...Array<string>(n).fill('20'), ...Array<string>(n).fill('70')]);
    expect(rows.slice(1, 1 + n).map((r) => r[3])).toEqual(run.snapshots.map((c) => formatValue(c[2]!)));
    await expect(cli('export', String(run.runId), '--at', 'soon', '--out-dir', out, '--db', db)).rejects.toThrow(/--at: "soon" is not a time/);
  });
});

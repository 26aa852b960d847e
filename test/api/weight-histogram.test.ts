/**
 * readWeightHistogram: a weight-snapshots probe's snapshot binned over the weight range of
 * the whole run (the same range at every snapshot, so an animation keeps its axis), the
 * newest snapshot by default, every connection counted; other probes and snapshots that do
 * not exist are refused by name.
 */
import { describe, expect, it } from 'vitest';
import { readWeightHistogram } from '../../src-main/api/weight-histogram.js';
import { runPlasticIntoLab } from '../helpers/plastic-lab.js';
import { tempLabPath } from '../store/helpers.js';

describe('readWeightHistogram', () => {
  it('bins one snapshot over the run\'s weight range; the newest by default', async () => {
    const run = runPlasticIntoLab(tempLabPath());
    const n = run.snapshots.length;
    const all = run.snapshots.flat();
    const last = await readWeightHistogram(run.lab, run.runId, 'snaps', { bins: 10 });
    expect(last).toMatchObject({ probe: 'snaps', snapshot: 8, t: 80, connections: n, unit: 'µS', lo: Math.min(...all), hi: Math.max(...all) });
    expect(last.times).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80]);
    expect(last.counts).toHaveLength(10);
    expect(last.counts.reduce((a, b) => a + b, 0)).toBe(n);
    expect(last.mean).toBeCloseTo(run.snapshots.reduce((a, c) => a + c[8]!, 0) / n, 12);
    const first = await readWeightHistogram(run.lab, run.runId, 'snaps', { snapshot: 0, bins: 10 });
    expect([first.lo, first.hi]).toEqual([last.lo, last.hi]);
    expect(first.t).toBe(0);
    const expected = new Array<number>(10).fill(0);
    for (const c of run.snapshots) expected[Math.min(9, Math.floor(((c[0]! - last.lo) * 10) / (last.hi - last.lo)))]!++;
    expect(first.counts).toEqual(expected);
    expect(first.mean).not.toBe(last.mean); // the weights learned in between
    run.lab.close();
  });

  it('refuses a probe that is not a weight-snapshots probe and a snapshot that does not exist', async () => {
    const run = runPlasticIntoLab(tempLabPath());
    await expect(readWeightHistogram(run.lab, run.runId, 'snaps', { snapshot: 9 })).rejects.toThrow(/has 9 snapshots \(0–8\), not 9/);
    await expect(readWeightHistogram(run.lab, run.runId, 'nope', {})).rejects.toThrow(/has no probe "nope"/);
    run.lab.close();
  });
});

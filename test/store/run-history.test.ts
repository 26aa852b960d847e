/**
 * Moving and trimming run history in the store: Save as with runs (versions copied, runs
 * re-pointed, all or nothing), several runs deleted at once (none recording), a run's
 * settings updated in place, and run numbers never given twice.
 */
import { describe, expect, it } from 'vitest';
import { parseDocument } from '../../src-shared/document/load.js';
import { openLab } from '../../src-main/store/lab.js';
import { sampleDocument, startSyntheticRun, streamSynthetic, tempLabPath } from './helpers.js';

describe('run history in the store', () => {
  it('saveAsWithRuns copies the versions the runs ran into the new project and moves the runs; a taken name changes nothing', () => {
    const lab = openLab(tempLabPath());
    const a = startSyntheticRun(lab);
    lab.runs.finish(a, { status: 'finished', wallMs: 1 });
    lab.projects.save('P', parseDocument({ ...sampleDocument('P'), description: 'v2' }));
    const { version } = lab.projects.open('P');
    const b = lab.runs.start({ versionId: version.id, engine: 'synthetic', seed: 2, dt: 0.1, steps: 10, settings: {}, probes: [] }).id;
    const writer = lab.recordings.writer(a);
    streamSynthetic(writer, 10);
    writer.close();

    expect(() => lab.projects.saveAsWithRuns('P', sampleDocument('P'), [a, b])).toThrow(/already has a project named "P"/);
    expect(lab.runs.list({ project: 'P' }).map((r) => r.id)).toEqual([a, b]);

    const moved = lab.projects.saveAsWithRuns('Q', parseDocument({ ...sampleDocument('P'), description: 'now' }), [b, a]);
    expect(lab.projects.versions('Q').map((v) => [v.number, v.message])).toEqual([
      [1, 'from P version 1'], [2, 'from P version 2'], [3, null],
    ]);
    expect(moved.document.description).toBe('now');
    expect(lab.runs.list({ project: 'Q' }).map((r) => [r.id, r.versionNumber])).toEqual([[a, 1], [b, 2]]);
    expect(lab.runs.list({ project: 'P' })).toEqual([]);
    expect(lab.projects.versions('P')).toHaveLength(2);
    expect(lab.recordings.extent(a, 'v').last).toBeGreaterThan(0);
    lab.close();
  });

  it('deleteMany refuses a run still recording and deletes none; updateSettings rewrites one run', () => {
    const lab = openLab(tempLabPath());
    const a = startSyntheticRun(lab);
    const b = startSyntheticRun(lab);
    lab.runs.finish(a, { status: 'finished', wallMs: 1 });
    expect(() => lab.runs.deleteMany([a, b])).toThrow(/run \d+ is still recording/);
    expect(lab.runs.list().map((r) => r.id)).toEqual([a, b]);
    lab.runs.updateSettings(a, (s) => ({ ...s, pinned: true }));
    expect(lab.runs.get(a).settings).toEqual({ duration: '10 s', pinned: true });
    lab.runs.finish(b, { status: 'cancelled', wallMs: 1 });
    lab.runs.deleteMany([a, b]);
    expect(lab.runs.list()).toEqual([]);
    lab.close();
  });
  it('never gives a deleted run\'s number to a new run, the newest deleted or a whole project\'s (schema 7)', () => {
    const file = tempLabPath();
    let lab = openLab(file);
    const a = startSyntheticRun(lab);
    const b = startSyntheticRun(lab);
    for (const id of [a, b]) lab.runs.finish(id, { status: 'finished', wallMs: 1 });
    lab.runs.delete(b); // the newest: SQLite alone would give b to the next run
    const c = startSyntheticRun(lab);
    expect(c).toBe(b + 1);
    lab.runs.finish(c, { status: 'finished', wallMs: 1 });
    lab.runs.deleteMany([a, c]);
    lab.close();
    lab = openLab(file); // kept in the file, not in the process
    const d = startSyntheticRun(lab);
    expect(d).toBe(c + 1);
    lab.runs.finish(d, { status: 'finished', wallMs: 1 });
    lab.projects.delete('P'); // its runs go with it (a cascade)
    expect(lab.runs.list()).toEqual([]);
    expect(startSyntheticRun(lab)).toBe(d + 1);
    lab.close();
  });
});

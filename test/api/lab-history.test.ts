/**
 * How the lab keeps runs without clutter, through the service over a real lab file and the
 * real CPU engine: Save as moves the runs shown with the document into the new project
 * (with the versions they ran); runs of unsaved documents go to one scratch project; live
 * mode keeps a rolling set of the newest LIVE_RUNS_KEPT live runs, never dropping a pinned
 * run or a run started with Run.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LIVE_RUNS_KEPT, type RunInfo } from '../../src-shared/api.js';
import { dispatch } from '../../src-main/api/dispatch.js';
import { makeHarness, type Harness } from './harness.js';

describe('the lab keeps runs without clutter', () => {
  let h: Harness;
  beforeEach(() => {
    h = makeHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  const ended = (r: RunInfo) => h.waitFor('run-ended', (e) => e.id === r.id, 60_000);

  async function ampa(): Promise<{ doc: { name: string; description: string }; projectId: number }> {
    const doc = await h.service.loadExample('ampa-lif.json');
    const { project } = await h.service.createProject('AMPA', doc);
    return { doc, projectId: project.id };
  }

  it('Save as moves the runs into the new project with the versions they ran; the old project keeps its versions', async () => {
    const { doc, projectId } = await ampa();
    const first = await h.service.startRun({ projectId, document: doc, engine: 'cpu', duration: '10 ms' });
    await ended(first);
    const edited = { ...doc, description: 'edited before the second run' };
    const second = await h.service.startRun({ projectId, document: edited, engine: 'cpu', duration: '10 ms' });
    await ended(second);
    const before = await h.service.readTrace(second.id, 'V', {});
    const oldVersions = await h.service.listVersions(projectId);

    const current = { ...doc, description: 'edited after the runs' };
    const reply = await dispatch(h.service, { id: 1, method: 'saveProjectAs', params: ['AMPA 2', current, [second.id, first.id]] });
    if (!('result' in reply)) throw new Error(JSON.stringify(reply));
    const saved = reply.result as Awaited<ReturnType<typeof h.service.saveProjectAs>>;

    expect(saved.project).toMatchObject({ name: 'AMPA 2', runs: 2, versions: 3 });
    expect(saved.document.description).toBe('edited after the runs');
    expect((await h.service.listRuns(saved.project.id)).map((r) => r.id)).toEqual([second.id, first.id]);
    expect(await h.service.listRuns(projectId)).toEqual([]);
    // Each run still points at the document it ran, now a version of the new project.
    const moved = await h.service.getRun(second.id);
    expect(moved.projectId).toBe(saved.project.id);
    expect((await h.service.openProject(saved.project.id, moved.versionId)).document.description).toBe('edited before the second run');
    expect(await h.service.readTrace(second.id, 'V', {})).toEqual(before);
    // The old project is untouched but for its runs.
    expect(await h.service.listVersions(projectId)).toEqual(oldVersions);
  });

  it('Save as with no runs is a plain new project; a taken name is refused and nothing moves', async () => {
    const { doc, projectId } = await ampa();
    const run = await h.service.startRun({ projectId, document: doc, engine: 'cpu', duration: '10 ms' });
    await ended(run);
    await expect(h.service.saveProjectAs('AMPA', doc, [run.id])).rejects.toThrow(/already has a project named "AMPA"/);
    expect((await h.service.listRuns(projectId)).map((r) => r.id)).toEqual([run.id]);
    const plain = await h.service.saveProjectAs('Plain', doc, []);
    expect(plain.project).toMatchObject({ versions: 1, runs: 0 });
  });

  it('runs of unsaved documents go to one scratch project, which keeps the unsaved draft', async () => {
    const doc = await h.service.loadExample('ampa-lif.json');
    await h.service.saveDraft(null, doc);
    const scratch = await h.service.scratchProject();
    expect(scratch.scratch).toBe(true);
    expect((await h.service.scratchProject()).id).toBe(scratch.id);
    const a = await h.service.startRun({ projectId: scratch.id, document: doc, engine: 'cpu', duration: '10 ms' });
    await ended(a);
    const b = await h.service.startRun({ projectId: scratch.id, document: { ...doc, description: 'another' }, engine: 'cpu', duration: '10 ms' });
    await ended(b);
    const projects = await h.service.listProjects();
    expect(projects).toHaveLength(1);
    expect(projects[0]).toMatchObject({ id: scratch.id, scratch: true, runs: 2 });
    expect(await h.service.loadDraft(null)).not.toBeNull();
    // Not among the recent projects: the studio never reopens it by itself.
    expect(await h.service.recentProjects()).toEqual([]);
  });

  it(`live mode keeps the newest ${LIVE_RUNS_KEPT} live runs; pinned runs and Run's runs stay`, async () => {
    const { doc, projectId } = await ampa();
    const manual = await h.service.startRun({ projectId, document: doc, engine: 'cpu', duration: '5 ms' });
    await ended(manual);
    const live = async () => {
      const r = await h.service.startRun({ projectId, document: doc, engine: 'cpu', duration: '5 ms', live: true });
      await ended(r);
      return r;
    };
    const oldest = await live();
    const pinned = await h.service.pinRun(oldest.id, true);
    expect(pinned.pinned).toBe(true);
    const rest: RunInfo[] = [];
    for (let i = 0; i < LIVE_RUNS_KEPT + 2; i++) rest.push(await live());

    const ids = (await h.service.listRuns(projectId)).map((r) => r.id);
    const newest = rest.slice(-LIVE_RUNS_KEPT).map((r) => r.id).reverse();
    expect(ids).toEqual([...newest, oldest.id, manual.id]);
    expect(ids).not.toContain(rest[0]!.id);

    // Unpinned, it is the oldest live run, dropped by the next live run.
    expect((await h.service.pinRun(oldest.id, false)).pinned).toBe(false);
    await live();
    expect((await h.service.listRuns(projectId)).map((r) => r.id)).not.toContain(oldest.id);
  });
});

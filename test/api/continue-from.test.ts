/**
 * `startRun` with `continueFrom` in the service: a run of the STDP example says it kept its
 * final weights (RunInfo.finalWeights), a run continuing it says which run it continued
 * (RunInfo.continuedFrom) and starts from its weights (its weight probe's first sample), a
 * model whose plastic synapse has other connections is refused naming it, starting nothing,
 * and a sweep takes no continueFrom (the request is refused by its schema).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApiError } from '../../src-main/api/errors.js';
import { dispatch } from '../../src-main/api/dispatch.js';
import { loadConnectionStates } from '../../src-main/store/connection-states.js';
import { openLab } from '../../src-main/store/lab.js';
import type { ProjectDocument } from '../../src-shared/document/schema.js';
import { makeHarness, type Harness } from './harness.js';

let h: Harness;
beforeEach(() => { h = makeHarness(); });
afterEach(async () => { await h.close(); });

/** The Song et al. example shortened to 200 ms (`inputs` Poisson inputs), with a probe of every weight. */
async function song(inputs = 1000): Promise<ProjectDocument> {
  const doc = await h.service.loadExample('stdp-song-2000.json');
  return {
    ...doc,
    run: { ...doc.run, duration: '200 ms' },
    blocks: [...doc.blocks.map((b) => (b.id === 'inputs' ? { ...b, size: inputs } : b)), { id: 'w', type: 'state-probe', params: { state: 'w' }, position: { x: 0, y: 0 } }],
    edges: [...doc.edges, { from: 'stdp.post', to: 'w.target' }],
  } as ProjectDocument;
}

describe('continue from a run, in the service', () => {
  it('a continued run starts from the final weights of the run it names, and says so; other connections are refused', async () => {
    const doc = await song();
    const { project } = await h.service.createProject('STDP', doc);
    const ended = (id: number) => h.waitFor('run-ended', (e) => e.id === id, 60_000);
    const first = await ended((await h.service.startRun({ projectId: project.id, document: doc, engine: 'cpu' })).id);
    expect(first).toMatchObject({ status: 'finished', finalWeights: true });
    expect(first.continuedFrom).toBeUndefined();

    const second = await ended((await h.service.startRun({ projectId: project.id, document: doc, engine: 'cpu', continueFrom: first.id })).id);
    expect(second).toMatchObject({ status: 'finished', continuedFrom: first.id, finalWeights: true });
    const startOf = async (runId: number) => (await h.service.readTrace(runId, 'w', { t0: 0, t1: 0 })).series.map((s) => s.min[0]);
    const lab = openLab(`${h.dir}/lab.sqlite`, { readonly: true });
    try {
      const w = Array.from(loadConnectionStates(lab, first.id)[0]!.w, (x) => Math.fround(x));
      expect(w).not.toEqual(await startOf(first.id)); // the first run learned
      expect(await startOf(second.id)).toEqual(w);
    } finally {
      lab.close();
    }

    const refused = (await h.service.startRun({ projectId: project.id, document: await song(900), engine: 'cpu', continueFrom: first.id }).catch((e: unknown) => e)) as ApiError;
    expect(refused.message).toBe(`cannot continue from run ${first.id}: synapse "stdp" connects 1000 to 1 neurons in run ${first.id}, 900 to 1 here`);
    expect((await h.service.listRuns(project.id)).map((r) => r.id).sort()).toEqual([first.id, second.id].sort());

    const sweep = await dispatch(h.service, { id: 1, method: 'startSweep', params: [{ projectId: project.id, document: doc, engine: 'cpu', sweep: null, seeds: 2, continueFrom: first.id }] });
    expect(sweep).toMatchObject({ error: { message: expect.stringContaining('continueFrom') } });
  });
});

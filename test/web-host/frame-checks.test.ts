/**
 * The web host checks frames off its event loop (frame-checks.ts); the answers must be the
 * ones a direct call gives. For fuzz documents of every kind of mutation, the worker's
 * outcome is compared with the service's own answer: validate's result, importProject's
 * and startRun's refusals (message and diagnostics), and the frame errors.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../src-main/api/dispatch.js';
import { importedDocument, importedForStoring } from '../../src-main/api/projects.js';
import { checkFrame, checkFrameBytes, NOT_JSON } from '../../src-main/web-host/frame-checks.js';
import { FramePool } from '../../src-main/web-host/frame-pool.js';
import { fuzzDocuments, MUTATION_KINDS } from '../fuzz/documents.js';
import { EXAMPLES_DIR, makeHarness, type Harness } from '../api/harness.js';

let h: Harness;
let projectId: number;
beforeAll(async () => {
  h = makeHarness();
  projectId = (await h.service.scratchProject()).id;
});
afterAll(async () => {
  await h.close();
});

/** One fuzz document of every kind (the first of each), sent as the web client sends it. */
function oneOfEachKind(): Array<{ name: string; text: string; parsed: unknown }> {
  const docs = fuzzDocuments(EXAMPLES_DIR).filter((d) => MUTATION_KINDS.includes(d.kind));
  return MUTATION_KINDS.map((kind) => docs.find((d) => d.kind === kind)!).map((d) => {
    const text = d.bytes.toString('utf8');
    let parsed: unknown = text;
    try { parsed = JSON.parse(text.replace(/^\uFEFF/, '')); JSON.stringify(parsed); } catch { parsed = text; }
    return { name: d.name, text, parsed };
  });
}

describe('frame checks off the event loop', () => {
  it('answer validate, and refuse importProject and startRun, as the service does', async () => {
    let compared = 0;
    for (const { name, text, parsed } of oneOfEachKind()) {
      const validate = { id: 1, method: 'validate', params: [parsed] };
      expect(await checkFrame(validate), name).toEqual({ kind: 'answer', response: await dispatch(h.service, validate, { jsonNulls: true }) });

      const imported = { id: 2, method: 'importProject', params: [text] };
      const importCheck = await checkFrame(imported);
      if (importCheck.kind === 'answer') {
        expect(importCheck.response, name).toEqual(await dispatch(h.service, imported, { jsonNulls: true }));
        compared++;
      } else {
        expect(importCheck).toEqual({ kind: 'call', id: 2, method: 'importProject', args: [], imported: importedForStoring(importedDocument(text)) });
      }

      const run = { id: 3, method: 'startRun', params: [{ projectId, document: parsed, engine: 'cpu' }] };
      const runCheck = await checkFrame(run);
      expect(runCheck.kind, name).toBe('call');
      if (runCheck.kind === 'call' && runCheck.run && 'error' in runCheck.run) {
        expect({ id: 3, error: runCheck.run.error }, name).toEqual(await dispatch(h.service, run, { jsonNulls: true }));
        compared++;
      } else if (runCheck.kind === 'call') {
        expect(runCheck.run && 'plan' in runCheck.run && runCheck.run.plan.blocks.length).toBeGreaterThan(0);
      }
    }
    expect(compared).toBeGreaterThan(10); // most mutations are refused by one or the other
  });

  it('answer valueHistograms in full, as the service does', async () => {
    const doc = JSON.parse(readFileSync(path.join(EXAMPLES_DIR, 'izhikevich-2003.json'), 'utf8')) as { blocks: Array<{ id: string; params?: object }> };
    const varying = doc.blocks.find((b) => JSON.stringify(b.params ?? {}).includes('expr') || JSON.stringify(b.params ?? {}).includes('dist'))!;
    for (const params of [[doc, varying.id], [doc, 'nothing'], [{ blocks: 1 }, varying.id]]) {
      const frame = { id: 8, method: 'valueHistograms', params };
      const answer = await checkFrame(frame);
      expect(answer).toEqual({ kind: 'answer', response: await dispatch(h.service, frame, { jsonNulls: true }) });
    }
    const answer = await checkFrame({ id: 9, method: 'valueHistograms', params: [doc, varying.id] });
    expect(answer.kind === 'answer' && 'result' in answer.response && Object.keys(answer.response.result as object)).toEqual(['c', 'd']);
  });

  it('give the same answers to malformed frames and parameters', async () => {
    for (const frame of [null, [], { id: -1 }, { id: 1, method: '__proto__' }, { id: 1, method: 'validate', params: 'x' }, { id: 1, method: 'startRun', params: [{ projectId: 'x' }] }]) {
      expect(await checkFrame(frame)).toEqual({ kind: 'answer', response: await dispatch(h.service, frame, { jsonNulls: true }) });
    }
    expect(await checkFrameBytes(Buffer.from('{"id": 1,'))).toEqual({ kind: 'answer', response: NOT_JSON });
  });

  it('hands other methods back to the main thread with their checked arguments', async () => {
    expect(await checkFrameBytes(Buffer.from(JSON.stringify({ id: 7, method: 'getRun', params: [12] })))).toEqual({ kind: 'call', id: 7, method: 'getRun', args: [12] });
  });

  it('run in worker threads, one job at a time each, with the same answers', async () => {
    const pool = new FramePool(1);
    try {
      const deep = `{"id": 4, "method": "validate", "params": [${'['.repeat(100_000)}${']'.repeat(100_000)}]}`;
      const answers = await Promise.all([pool.check({ bytes: Buffer.from(deep) }), pool.check({ frame: { id: 5, method: 'validate', params: [{}] } })]);
      expect(answers[0]).toEqual({ kind: 'answer', response: await dispatch(h.service, JSON.parse(deep), { jsonNulls: true }) });
      expect(answers[1]).toEqual({ kind: 'answer', response: await dispatch(h.service, { id: 5, method: 'validate', params: [{}] }, { jsonNulls: true }) });
    } finally {
      await pool.close();
    }
  });
});

/**
 * Request validation shared by both transports: unknown methods, malformed frames and bad
 * parameters are refused with a message naming the method and the parameter, before the
 * service is called; service errors keep their diagnostics.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { API_METHODS } from '../../src-shared/api.js';
import { dispatch, PARAM_NAMES, validateParams } from '../../src-main/api/dispatch.js';
import { makeHarness, type Harness } from './harness.js';

let h: Harness;
beforeEach(() => {
  h = makeHarness();
});
afterEach(async () => {
  await h.close();
});

const errorOf = async (frame: unknown, jsonNulls = false) => {
  const r = await dispatch(h.service, frame, { jsonNulls });
  if (!('error' in r)) throw new Error(`expected an error, got ${JSON.stringify(r)}`);
  return r.error;
};

describe('dispatch', () => {
  it('names every method of the API', () => {
    expect(Object.keys(PARAM_NAMES).sort()).toEqual([...API_METHODS].sort());
  });

  it('calls the service and answers with the id', async () => {
    const r = await dispatch(h.service, { id: 7, method: 'listExamples', params: [] });
    expect(r.id).toBe(7);
    expect('result' in r && (r.result as Array<{ file: string }>).map((e) => e.file)).toContain('ampa-lif.json');
    // void methods answer null (JSON has no undefined)
    const doc = await h.service.loadExample('ampa-lif.json');
    const { project } = await h.service.createProject('P', doc);
    expect(await dispatch(h.service, { id: 8, method: 'renameProject', params: [project.id, 'Q'] })).toEqual({ id: 8, result: null });
  });

  it('refuses unknown methods, including inherited property names', async () => {
    for (const method of ['nope', '__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      expect((await errorOf({ id: 1, method, params: [] })).message).toMatch(/^unknown method "/);
    }
    expect((await errorOf({ id: 1, method: 42, params: [] })).message).toBe('unknown method number');
  });

  it('refuses malformed frames', async () => {
    expect((await errorOf(null)).message).toMatch(/malformed request/);
    expect((await errorOf([1, 2])).message).toMatch(/malformed request/);
    expect((await errorOf({ method: 'listProjects', params: [] })).message).toMatch(/"id"/);
    expect((await errorOf({ id: 1, method: 'listProjects', params: 'x' })).message).toBe('listProjects: "params" must be an array of parameters');
  });

  it('names the method and the parameter (and field) of bad parameters', async () => {
    expect((await errorOf({ id: 1, method: 'openProject', params: ['x'] })).message).toMatch(/^openProject: parameter "projectId": /);
    expect((await errorOf({ id: 1, method: 'openProject', params: [1, -2] })).message).toMatch(/^openProject: parameter "versionId": /);
    expect((await errorOf({ id: 1, method: 'openProject', params: [] })).message).toMatch(/^openProject: expected parameters \(projectId, versionId\), got 0/);
    expect((await errorOf({ id: 1, method: 'listProjects', params: [1] })).message).toMatch(/^listProjects: expected no parameters, got 1/);
    const engine = await errorOf({ id: 1, method: 'startRun', params: [{ projectId: 1, document: {}, engine: 'gpu' }] });
    expect(engine.message).toMatch(/^startRun: parameter "request\.engine": /);
    const extra = await errorOf({ id: 1, method: 'readTrace', params: [1, 'V', { t0: 0, evil: true }] });
    expect(extra.message).toMatch(/^readTrace: parameter "window": .*evil/);
    const example = await errorOf({ id: 1, method: 'loadExample', params: ['../../etc/passwd'] });
    expect(example.message).toMatch(/^loadExample: parameter "file": /);
  });

  it('treats JSON null as an absent optional parameter when asked (WebSocket), but keeps meaningful nulls', () => {
    expect(validateParams('openProject', [1, null], { jsonNulls: true }).args).toEqual([1]);
    expect(() => validateParams('openProject', [1, null])).toThrow(/openProject: parameter "versionId"/);
    expect(validateParams('loadDraft', [null], { jsonNulls: true }).args).toEqual([null]);
    expect(validateParams('exportRunCsv', [3, null, true], { jsonNulls: true }).args).toEqual([3, undefined, true]);
  });

  it('passes service errors through with their diagnostics', async () => {
    const doc = await h.service.loadExample('ampa-lif.json');
    const { project } = await h.service.createProject('P', doc);
    const broken = { ...doc, blocks: [...doc.blocks, { id: 'zz', type: 'nope' }] };
    const err = await errorOf({ id: 3, method: 'startRun', params: [{ projectId: project.id, document: broken, engine: 'cpu' }] });
    expect(err.diagnostics).toEqual([{ block: 'zz', field: 'type', message: expect.stringMatching(/^unknown block type "nope"/) }]);
    expect(err.message).toMatch(/block "zz"/);
    const missing = await errorOf({ id: 4, method: 'getRun', params: [12345] });
    expect(missing.message).toMatch(/no run 12345/);
    expect(missing).not.toHaveProperty('stack');
  });
});

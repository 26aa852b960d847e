/**
 * The lab's library of block types through the API (issue #12): a type saved from one
 * project is listed and can be used in another; only a type that compiles is kept; the
 * library outlives the service (it is in the lab file); a damaged definition is refused.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dispatch } from '../../src-main/api/dispatch.js';
import { checkLab } from '../../src-main/store/lab-check.js';
import { makeHarness, type Harness } from './harness.js';

const ADEX = (JSON.parse(fs.readFileSync(path.join(import.meta.dirname, '../../assets/examples/adex.json'), 'utf8')) as { types: { adex: unknown } }).types.adex;

let h: Harness;
beforeEach(() => {
  h = makeHarness();
});
afterEach(async () => {
  await h.close();
});

describe('the block type library', () => {
  it('keeps a type that compiles, lists it, replaces it by name and deletes it', async () => {
    expect(await h.service.listLibraryTypes()).toEqual([]);
    const saved = await h.service.saveLibraryType('adex', ADEX);
    expect(saved).toMatchObject({ name: 'adex', category: 'neuron', title: 'AdEx', type: ADEX });
    expect((await h.service.listLibraryTypes()).map((t) => t.name)).toEqual(['adex']);
    await h.service.saveLibraryType('adex', { ...(ADEX as object), title: 'AdEx 2' });
    expect((await h.service.listLibraryTypes()).map((t) => t.title)).toEqual(['AdEx 2']);
    await h.service.deleteLibraryType('adex');
    expect(await h.service.listLibraryTypes()).toEqual([]);
    await expect(h.service.deleteLibraryType('adex')).rejects.toThrow('the library has no block type "adex"');
  });

  it('refuses a type that does not compile, naming the field and the problem', async () => {
    const noC = { ...(ADEX as { equations: string }), equations: (ADEX as { equations: string }).equations.replace(' / C', '') };
    await expect(h.service.saveLibraryType('adex', noC)).rejects.toThrow(/equations line 1:10: dV\/dt .* is a current \(nA\), expected a voltage per time/);
    await expect(h.service.saveLibraryType('lif', ADEX)).rejects.toThrow(/built-in/);
    expect(await h.service.listLibraryTypes()).toEqual([]);
  });

  it('goes through the transports with named parameters', async () => {
    const r = await dispatch(h.service, { id: 1, method: 'saveLibraryType', params: ['', ADEX] });
    expect('error' in r && r.error.message).toMatch(/saveLibraryType: parameter "name"/);
    const ok = await dispatch(h.service, { id: 2, method: 'listLibraryTypes', params: [] });
    expect(ok).toEqual({ id: 2, result: [] });
  });

  it('is kept in the lab file, with a checksum that catches a damaged definition', async () => {
    await h.service.saveLibraryType('adex', ADEX);
    const file = h.service.lab.file;
    const raw = new Database(file);
    raw.prepare("UPDATE type_library SET definition = replace(definition, '281', '282')").run();
    raw.close();
    await expect(h.service.listLibraryTypes()).rejects.toThrow(/block type "adex" is damaged/);
    expect(checkLab(h.service.lab).problems).toEqual(['block type "adex" of the library: the stored definition is damaged (it does not match its checksum)']);
  });
});

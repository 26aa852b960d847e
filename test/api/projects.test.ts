/**
 * Projects through the service: versions, reopening an old version, rename, duplicate,
 * import/export, drafts (autosave) and recent projects, on a real lab file.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApiError } from '../../src-main/api/errors.js';
import { makeHarness, type Harness } from './harness.js';

let h: Harness;
beforeEach(() => {
  h = makeHarness();
});
afterEach(async () => {
  await h.close();
});

describe('projects', () => {
  it('creates, saves versions, reopens any version and lists them', async () => {
    const doc = await h.service.loadExample('ampa-lif.json');
    const created = await h.service.createProject('AMPA', doc);
    expect(created.project).toMatchObject({ name: 'AMPA', versions: 1, runs: 0, latestVersionId: created.versionId });
    expect(created.document).toEqual(doc);

    const v2doc = { ...doc, description: 'second' };
    const v2 = await h.service.saveProject(created.project.id, v2doc, 'my change');
    expect(v2).toMatchObject({ projectId: created.project.id, message: 'my change' });
    // Saving the same document again keeps the version.
    expect((await h.service.saveProject(created.project.id, v2doc)).id).toBe(v2.id);

    const versions = await h.service.listVersions(created.project.id);
    expect(versions.map((v) => v.id)).toEqual([created.versionId, v2.id]);
    expect((await h.service.openProject(created.project.id)).document.description).toBe('second');
    const old = await h.service.openProject(created.project.id, created.versionId);
    expect(old.versionId).toBe(created.versionId);
    expect(old.document.description).toBe(doc.description);
    expect(old.project.latestVersionId).toBe(v2.id);

    const other = await h.service.createProject('Other', doc);
    await expect(h.service.openProject(created.project.id, other.versionId)).rejects.toThrow(/belongs to another project/);
    await expect(h.service.createProject('AMPA', doc)).rejects.toThrow(/already has a project named "AMPA"/);
  });

  it('refuses invalid documents with diagnostics', async () => {
    const bad = { format: 'spikeflow-project', version: 2, blocks: [{ id: '1x', type: 'lif' }] };
    const err = (await h.service.createProject('Bad', bad).catch((e: unknown) => e)) as ApiError;
    expect(err.message).toMatch(/not valid/);
    expect(err.diagnostics).toEqual([expect.objectContaining({ block: '1x', field: 'id' })]);
  });

  it('renames, duplicates, deletes', async () => {
    const doc = await h.service.loadExample('ampa-lif.json');
    const { project } = await h.service.createProject('A', doc);
    await h.service.renameProject(project.id, 'B');
    const copy = await h.service.duplicateProject(project.id, 'C');
    expect(copy).toMatchObject({ name: 'C', versions: 1 });
    expect((await h.service.listProjects()).map((p) => p.name)).toEqual(['B', 'C']);
    await h.service.deleteProject(project.id);
    expect((await h.service.listProjects()).map((p) => p.name)).toEqual(['C']);
  });

  it('imports and exports project files', async () => {
    const doc = await h.service.loadExample('ampa-lif.json');
    const { project } = await h.service.createProject('AMPA → LIF', doc);
    const json = await h.service.exportProject(project.id);
    expect(JSON.parse(json)).toEqual(doc);
    const imported = await h.service.importProject(json);
    expect(imported.project.name).toBe('AMPA → LIF (2)');
    expect(imported.document).toEqual(doc);
    const named = await h.service.importProject(json, 'Mine');
    expect(named.project.name).toBe('Mine');
    await expect(h.service.importProject('{ not json')).rejects.toThrow(/not valid JSON/);
    await expect(h.service.importProject('{"format":"other"}')).rejects.toThrow(/format/);
  });

  it('imports names with control characters cleaned, and a taken 200-character name shortened for " (2)"', async () => {
    const doc = await h.service.loadExample('ampa-lif.json');
    const long = 'L'.repeat(200);
    const json = JSON.stringify({ ...doc, name: long });
    expect((await h.service.importProject(json)).project.name).toBe(long);
    expect((await h.service.importProject(json)).project.name).toBe(`${'L'.repeat(196)} (2)`);
    const hostile = await h.service.importProject(JSON.stringify({ ...doc, name: '\u001b[2J\u0007bell\ud800' }));
    expect(hostile.project.name).toBe('[2Jbell\ufffd');
    expect((await h.service.createProject('tab\there', doc)).project.name).toBe('tab here');
  });

  it('keeps one draft per project (and one for an unsaved project) until saved', async () => {
    const doc = await h.service.loadExample('ampa-lif.json');
    expect(await h.service.loadDraft(null)).toBeNull();
    const unsaved = { ...doc, description: 'unsaved edits' };
    await h.service.saveDraft(null, unsaved);
    expect(await h.service.loadDraft(null)).toEqual(unsaved);

    const { project } = await h.service.createProject('P', doc);
    expect(await h.service.loadDraft(null)).toBeNull(); // the unsaved project was saved
    const edits = { ...doc, description: 'edits of P' };
    await h.service.saveDraft(project.id, edits);
    await h.service.saveDraft(project.id, { ...edits, name: 'renamed in the draft' });
    expect((await h.service.loadDraft(project.id))?.name).toBe('renamed in the draft');
    await h.service.saveProject(project.id, edits);
    expect(await h.service.loadDraft(project.id)).toBeNull();

    await h.service.saveDraft(project.id, edits);
    await h.service.saveDraft(project.id, null); // cleared explicitly
    expect(await h.service.loadDraft(project.id)).toBeNull();
    await expect(h.service.saveDraft(999, doc)).rejects.toThrow(/no project with id 999/);
    await expect(h.service.saveDraft(null, { format: 'x' })).rejects.toThrow(/draft is not a valid document/);
  });

  it('lists recent projects, newest first', async () => {
    const doc = await h.service.loadExample('ampa-lif.json');
    const a = await h.service.createProject('A', doc);
    const b = await h.service.createProject('B', doc);
    const c = await h.service.createProject('C', doc);
    await h.service.openProject(a.project.id);
    expect((await h.service.recentProjects()).map((p) => p.name)).toEqual(['A', 'C', 'B']);
    await h.service.deleteProject(c.project.id);
    expect((await h.service.recentProjects()).map((p) => p.name)).toEqual(['A', 'B']);
    void b;
  });

  it('lists and loads the bundled examples', async () => {
    const examples = await h.service.listExamples();
    expect(examples.map((e) => e.file)).toEqual(expect.arrayContaining(['ampa-lif.json', 'coba.json']));
    expect(examples.find((e) => e.file === 'ampa-lif.json')!.name).toBe('AMPA → LIF');
    for (const e of examples) expect(await h.service.validate(await h.service.loadExample(e.file)), e.file).toEqual({ ok: true, estimate: expect.objectContaining({ bytes: expect.any(Number) }) });
    await expect(h.service.loadExample('missing.json')).rejects.toThrow(/no example "missing.json"/);
  });
});

/** Projects: versions on every save, restore, rename, duplicate, delete, import/export files. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDocument } from '../../src-shared/document/load.js';
import type { ProjectDocument } from '../../src-shared/document/schema.js';
import { LabError } from '../../src-main/store/errors.js';
import { openLab, type Lab } from '../../src-main/store/lab.js';
import { sampleDocument, startSyntheticRun, streamSynthetic, tempDir, tempLabPath } from './helpers.js';

function freshLab(): Lab {
  return openLab(tempLabPath());
}

function doc(description = 'd'): ProjectDocument {
  return parseDocument({ ...sampleDocument(), description });
}

describe('projects', () => {
  it('keep every save as a numbered version with its message, and restore an earlier one', () => {
    const lab = freshLab();
    const created = lab.projects.create('net', doc('one'), 'first draft');
    expect(created.version).toMatchObject({ number: 1, message: 'first draft' });
    lab.projects.save('net', doc('two'));
    lab.projects.save('net', doc('three'), 'third');
    expect(lab.projects.versions('net').map((v) => [v.number, v.message])).toEqual([[1, 'first draft'], [2, null], [3, 'third']]);
    expect(lab.projects.open('net').document.description).toBe('three');
    expect(lab.projects.open('net', 2).document.description).toBe('two');

    const restored = lab.projects.restore('net', 1);
    expect(restored).toMatchObject({ number: 4, message: 'restored version 1' });
    expect(lab.projects.open('net').document).toEqual(doc('one'));
    // Restoring never removes the versions after the restored one.
    expect(lab.projects.versions('net')).toHaveLength(4);
    const [info] = lab.projects.list();
    expect(info).toMatchObject({ name: 'net', versions: 4, latestVersion: 4, runs: 0 });
    expect(Date.parse(info!.updatedAt)).toBeGreaterThanOrEqual(Date.parse(info!.createdAt));
    lab.close();
  });

  it('saveIfChanged writes a version only when the document differs (key order aside)', () => {
    const lab = freshLab();
    lab.projects.create('net', doc());
    const reordered = JSON.parse(JSON.stringify(doc())) as Record<string, unknown>;
    const shuffled = Object.fromEntries(Object.entries(reordered).reverse()) as ProjectDocument;
    expect(lab.projects.saveIfChanged('net', shuffled)).toMatchObject({ saved: false, version: { number: 1 } });
    expect(lab.projects.saveIfChanged('net', doc('other'))).toMatchObject({ saved: true, version: { number: 2 } });
    lab.close();
  });

  it('round-trip the document exactly', () => {
    const file = tempLabPath();
    const original = doc('round trip: µS, "quotes", ünïcode');
    const lab = openLab(file);
    lab.projects.create('net', original);
    lab.close();
    const again = openLab(file);
    expect(again.projects.open('net').document).toEqual(original);
    again.close();
  });

  it('rename, duplicate and delete; names stay unique', () => {
    const lab = freshLab();
    lab.projects.create('a', doc('a1'));
    lab.projects.save('a', doc('a2'));
    expect(() => lab.projects.create('a', doc())).toThrow(`${lab.file} already has a project named "a"`);
    lab.projects.rename('a', 'b');
    expect(lab.projects.find('a')).toBeUndefined();
    expect(lab.projects.open('b').document.description).toBe('a2');

    const copy = lab.projects.duplicate('b', 'c');
    expect(copy.version).toMatchObject({ number: 1, message: 'duplicated from b version 2' });
    expect(copy.document).toEqual(doc('a2'));
    expect(() => lab.projects.rename('c', 'b')).toThrow(`${lab.file} already has a project named "b"`);
    expect(() => lab.projects.rename('c', '  ')).toThrow('is not a usable project name');

    const runId = startSyntheticRun(lab); // project "P"
    streamSynthetic(lab.recordings.writer(runId), 10);
    lab.runs.finish(runId, { status: 'finished', wallMs: 1 });
    lab.projects.delete('P');
    expect(lab.projects.list().map((p) => p.name)).toEqual(['b', 'c']);
    expect(() => lab.runs.get(runId)).toThrow(`${lab.file} has no run ${runId}`);
    expect(lab.db.prepare('SELECT count(*) AS n FROM chunks').get()).toEqual({ n: 0 });
    expect(() => lab.projects.open('nope')).toThrow(`${lab.file} has no project "nope"`);
    lab.close();
  });

  it('refuse an invalid document with a message naming the project and the field', () => {
    const lab = freshLab();
    const bad = { ...doc(), blocks: [{ id: '1bad', type: 'lif' }] } as unknown as ProjectDocument;
    const err = (() => {
      try {
        lab.projects.create('net', bad);
      } catch (e) {
        return e as Error;
      }
      throw new Error('expected an error');
    })();
    expect(err).toBeInstanceOf(LabError);
    expect(err.message).toMatch(/project "net": the document is not valid: block "1bad": field "id": must start with a letter/);
    expect(err.message).not.toContain('\n');
    expect(lab.projects.list()).toEqual([]);
    lab.close();
  });

  it('import and export .json files (older document versions are migrated on import)', () => {
    const lab = freshLab();
    const dir = tempDir();
    const v1 = {
      format: 'spikeflow-project',
      version: 1,
      name: 'legacy',
      settings: { dt_ms: 0.05, duration_ms: 50, seed: 3 },
      blocks: [{ id: 'n', type: 'lif', size: 2 }],
      edges: [],
    };
    const v1File = path.join(dir, 'legacy.json');
    fs.writeFileSync(v1File, JSON.stringify(v1));
    const imported = lab.projects.importFile(v1File);
    expect(imported.project.name).toBe('legacy');
    expect(imported.version.message).toBe('imported from legacy.json');
    expect(imported.document.run).toEqual({ dt: 0.05, duration: 50, seed: 3 });
    expect(lab.projects.importFile(v1File).project.name).toBe('legacy (2)');

    const out = path.join(dir, 'out.json');
    lab.projects.exportFile('legacy', out);
    expect(parseDocument(JSON.parse(fs.readFileSync(out, 'utf8')))).toEqual(imported.document);
    expect(fs.readdirSync(dir).filter((f) => f.includes('partial'))).toEqual([]);

    const broken = path.join(dir, 'broken.json');
    fs.writeFileSync(broken, '{ "format": ');
    expect(() => lab.projects.importFile(broken)).toThrow(`${broken}: ${broken} is not valid JSON`);
    expect(() => lab.projects.importFile(path.join(dir, 'missing.json'))).toThrow(/^cannot read .*missing\.json/);
    lab.close();
  });
});

/**
 * Opening lab files: creation and pragmas, migration from every earlier schema version, and
 * the files that must be refused with a clear message and left untouched.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { parseDocument } from '../../src-shared/document/load.js';
import { LAB_APPLICATION_ID, LAB_PAGE_SIZE, openLabDatabase } from '../../src-main/store/database.js';
import { LabError } from '../../src-main/store/errors.js';
import { openLab } from '../../src-main/store/lab.js';
import { LATEST_SCHEMA_VERSION, MIGRATIONS, type Migration } from '../../src-main/store/migrations/index.js';
import { documentHash } from '../../src-main/store/projects.js';
import { chunkChecksum, documentChecksum } from '../../src-main/store/checksums.js';
import { sampleDocument, startSyntheticRun, stateValue, streamSynthetic, tempDir, tempLabPath } from './helpers.js';

function integrity(db: Database.Database): unknown {
  return db.pragma('integrity_check', { simple: true });
}

/** The error `fn` throws (failing the test if it throws none). */
function errorOf(fn: () => unknown): LabError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(LabError);
    return err as LabError;
  }
  throw new Error('expected an error');
}

describe('a new lab', () => {
  it('is created with WAL, foreign keys, incremental vacuum, STRICT tables and the latest schema', () => {
    const file = tempLabPath();
    const lab = openLab(file);
    const db = lab.db;
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION);
    expect(db.pragma('application_id', { simple: true })).toBe(LAB_APPLICATION_ID);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('auto_vacuum', { simple: true })).toBe(2);
    expect(db.pragma('page_size', { simple: true })).toBe(LAB_PAGE_SIZE);
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1024);
    expect(db.pragma('cache_size', { simple: true })).toBe(-4096);
    expect(db.pragma('busy_timeout', { simple: true })).toBeGreaterThanOrEqual(5000);
    const tables = db.prepare("SELECT name, strict FROM pragma_table_list WHERE schema = 'main' AND name NOT LIKE 'sqlite_%'").all() as Array<{ name: string; strict: number }>;
    expect(tables.map((t) => t.name).sort()).toEqual(['chunks', 'connection_states', 'probes', 'project_versions', 'projects', 'retired_ids', 'runs', 'type_library']);
    expect(tables.every((t) => t.strict === 1)).toBe(true);
    lab.close();
  });

  it('is never made in an existing empty file: an emptied lab is refused and kept as it is', () => {
    const file = tempLabPath();
    fs.writeFileSync(file, '');
    const err = errorOf(() => openLab(file));
    expect(err.message).toContain(`${file} is empty (0 bytes)`);
    expect(err.message).toContain('left as it is');
    expect(fs.statSync(file).size).toBe(0);
    expect(fs.readdirSync(path.dirname(file))).toEqual(['lab.sqlite']);
  });
});

/**
 * Puts data into a database at schema version `k` (≥ 1) with that version's SQL: a project
 * with one version, a finished run with a rate recording, and a run an old Spikeflow left
 * 'running' when it crashed.
 */
function seedAtVersion(db: Database.Database): void {
  const doc = JSON.stringify(parseDocument(sampleDocument('old')));
  const at = '2024-05-01T10:00:00.000Z';
  db.prepare('INSERT INTO projects (id, name, created_at, updated_at) VALUES (1, ?, ?, ?)').run('old', at, at);
  db.prepare('INSERT INTO project_versions (id, project_id, number, saved_at, message, document) VALUES (1, 1, 1, ?, ?, ?)').run(at, 'first', doc);
  // From schema 3 on, that version of Spikeflow stored each document's hash with it.
  if ((db.pragma('user_version', { simple: true }) as number) >= 3) {
    db.prepare('UPDATE project_versions SET document_hash = ? WHERE id = 1').run(documentHash(parseDocument(sampleDocument('old'))));
  }
  const run = db.prepare(
    `INSERT INTO runs (id, version_id, engine, seed, dt, steps, settings, started_at, ended_at, wall_ms, status, message)
     VALUES (?, 1, 'cpu', 3, 0.1, 200, '{"duration":"20 ms"}', ?, ?, ?, ?, NULL)`,
  );
  run.run(1, at, at, 12.5, 'finished');
  run.run(2, at, null, null, 'running');
  db.prepare("INSERT INTO probes (run_id, probe, kind, layout) VALUES (1, 'r', 'rate', ?)").run(JSON.stringify({ id: 'r', kind: 'rate', block: 'n', binSteps: 10 }));
  const rates = new Float32Array([1.5, 2.5, -3.25, 40]);
  db.prepare("INSERT INTO chunks (run_id, probe, first, last, count, data) VALUES (1, 'r', 0, 3, 4, ?)").run(Buffer.from(rates.buffer));
  // From schema 4 on, every document and chunk was stored with its checksum.
  if ((db.pragma('user_version', { simple: true }) as number) >= 4) {
    db.prepare('UPDATE project_versions SET document_checksum = ? WHERE id = 1').run(documentChecksum(doc));
    db.prepare('UPDATE chunks SET checksum = ? WHERE run_id = 1').run(chunkChecksum(1, 'r', 0, 3, 4, new Uint8Array(rates.buffer)));
  }
}

describe('migrations', () => {
  for (let k = 1; k < LATEST_SCHEMA_VERSION; k++) {
    it(`bring a lab from schema ${k} to ${LATEST_SCHEMA_VERSION} keeping its projects, runs and recordings`, () => {
      const file = tempLabPath();
      const old = openLabDatabase(file, { migrations: MIGRATIONS.slice(0, k) });
      expect(old.pragma('user_version', { simple: true })).toBe(k);
      seedAtVersion(old);
      old.close();

      const lab = openLab(file);
      expect(lab.db.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION);
      expect(integrity(lab.db)).toBe('ok');
      const opened = lab.projects.open('old');
      expect(opened.document).toEqual(parseDocument(sampleDocument('old')));
      expect(opened.version.message).toBe('first');
      expect(opened.version.hash).toBe(documentHash(opened.document));
      const [finished, crashed] = lab.runs.list();
      expect(finished).toMatchObject({ id: 1, status: 'finished', wallMs: 12.5, projectName: 'old', versionNumber: 1, settings: { duration: '20 ms' } });
      expect(crashed).toMatchObject({ id: 2, status: 'failed' });
      expect(crashed!.message).toMatch(/^interrupted/);
      expect(Array.from(lab.recordings.readRate(1, 'r').values)).toEqual([1.5, 2.5, -3.25, 40]);
      // Unchanged document: no new version; changed: version 2.
      expect(lab.projects.saveIfChanged('old', opened.document).saved).toBe(false);
      expect(lab.projects.save('old', { ...opened.document, description: 'new' }).number).toBe(2);
      lab.close();
    });
  }

  it('apply all or nothing: a failing migration leaves the previous schema and the data', () => {
    const file = tempLabPath();
    const old = openLabDatabase(file, { migrations: MIGRATIONS.slice(0, 1) });
    seedAtVersion(old);
    old.close();
    const broken: Migration = {
      version: 2,
      name: 'broken step',
      up(db) {
        db.exec('ALTER TABLE runs ADD COLUMN half_done INTEGER');
        throw new Error('boom');
      },
    };
    const err = errorOf(() => openLabDatabase(file, { migrations: [MIGRATIONS[0]!, broken] }));
    expect(err.message).toContain(file);
    expect(err.message).toContain('schema 2 (broken step)');
    expect(err.message).toContain('left at its previous schema');
    const db = new Database(file, { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    expect((db.prepare('SELECT name FROM pragma_table_info(?)').all('runs') as Array<{ name: string }>).map((c) => c.name)).not.toContain('half_done');
    expect(db.prepare('SELECT count(*) AS n FROM runs').get()).toEqual({ n: 2 });
    db.close();
  });
});

describe('files that are refused', () => {
  it('a file that is not a database: clear message, not a byte changed', () => {
    const file = path.join(tempDir(), 'notes.sqlite');
    const text = 'id,name\n1,hello\n'.repeat(200);
    fs.writeFileSync(file, text);
    const err = errorOf(() => openLab(file));
    expect(err.message).toBe(`${file} is not a Spikeflow lab database (it is not an SQLite file)`);
    expect(fs.readFileSync(file, 'utf8')).toBe(text);
    expect(fs.existsSync(`${file}-wal`)).toBe(false);
  });

  it("another application's SQLite database is left untouched", () => {
    const file = tempLabPath();
    const other = new Database(file);
    other.exec("CREATE TABLE contacts (name TEXT); INSERT INTO contacts VALUES ('Ada')");
    other.close();
    const before = fs.readFileSync(file);
    const err = errorOf(() => openLab(file));
    expect(err.message).toContain(`${file} is an SQLite database of another application`);
    expect(fs.readFileSync(file).equals(before)).toBe(true);
  });

  it('a lab from a newer Spikeflow: clear message, schema and data untouched', () => {
    const file = tempLabPath();
    const lab = openLab(file);
    lab.projects.create('kept', parseDocument(sampleDocument()));
    lab.close();
    const raw = new Database(file);
    raw.pragma('user_version = 99');
    raw.close();
    const err = errorOf(() => openLab(file));
    expect(err.message).toContain(`${file} was written by a newer Spikeflow (lab schema 99; this Spikeflow knows up to ${LATEST_SCHEMA_VERSION})`);
    const check = new Database(file, { readonly: true });
    expect(check.pragma('user_version', { simple: true })).toBe(99);
    expect(check.prepare('SELECT name FROM projects').all()).toEqual([{ name: 'kept' }]);
    check.close();
  });

  it('a folder that does not exist', () => {
    const file = path.join(tempDir(), 'missing', 'lab.sqlite');
    expect(errorOf(() => openLab(file)).message).toBe(`cannot create ${file}: the folder ${path.dirname(file)} does not exist`);
  });

  // Tests run as root, for whom chmod 0555 does not stop writes. /sys refuses to create
  // files even for root (EACCES), so it stands in for a read-only location.
  const sysWritable = (() => {
    try {
      fs.closeSync(fs.openSync('/sys/spikeflow-probe', 'w'));
      fs.rmSync('/sys/spikeflow-probe');
      return true;
    } catch {
      return false;
    }
  })();
  it.skipIf(sysWritable || !fs.existsSync('/sys'))('a read-only location (a lab cannot be created in /sys)', () => {
    const file = '/sys/spikeflow-lab-test.sqlite';
    const err = errorOf(() => openLab(file));
    expect(err.message).toMatch(/^cannot open \/sys\/spikeflow-lab-test\.sqlite: the location is read-only or not accessible/);
    expect(fs.existsSync(file)).toBe(false);
  });

  it('a lab opened read-only refuses writes with a clear message and keeps what it holds', () => {
    const file = tempLabPath();
    const writer = openLab(file);
    const doc = parseDocument(sampleDocument());
    writer.projects.create('P', doc);
    writer.close();

    const lab = openLab(file, { readonly: true });
    expect(lab.projects.open('P').document).toEqual(doc);
    const err = errorOf(() => lab.projects.save('P', { ...doc, description: 'changed' }));
    expect(err.message).toBe(
      `${file} is read-only (while saving project "P"); check the permissions of the file and its folder, or work on a copy`,
    );
    lab.close();
    const again = openLab(file);
    expect(again.projects.versions('P')).toHaveLength(1);
    expect(again.projects.open('P').document).toEqual(doc);
    again.close();
  });

  it('a full disk (max_page_count) fails the write with a clear message; what was stored stays', () => {
    const file = tempLabPath();
    const lab = openLab(file);
    const runId = startSyntheticRun(lab);
    const writer = lab.recordings.writer(runId);
    streamSynthetic(writer, 1000);
    writer.flush();
    const pages = lab.db.pragma('page_count', { simple: true }) as number;
    lab.db.pragma(`max_page_count = ${pages + 4}`);
    const err = errorOf(() => {
      streamSynthetic(writer, 200_000, 1000, 1000);
      writer.flush();
    });
    expect(err.code).toBe('SQLITE_FULL');
    expect(err.message).toBe(
      `${file}: the disk is full (or the lab reached its size limit) while recording run ${runId} (probe "v"); ` +
        'everything stored before is intact: free some space and try again',
    );
    lab.runs.fail(runId, err.message);
    lab.close();

    const reopened = openLab(file);
    expect(integrity(reopened.db)).toBe('ok');
    const run = reopened.runs.get(runId);
    expect(run.status).toBe('failed');
    expect(run.message).toContain('disk is full');
    const window = reopened.recordings.readState(runId, 'v', { toMs: 1000 * 0.2 - 0.2 });
    expect(window.samples).toBe(1000);
    for (let s = 0; s < 1000; s++) for (let c = 0; c < 3; c++) expect(window.values[s * 3 + c]).toBe(stateValue(s, c));
    expect(reopened.projects.open('P').document).toEqual(parseDocument(sampleDocument('P')));
    reopened.close();
  });
});

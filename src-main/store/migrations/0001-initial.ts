/**
 * Lab schema 1: projects with every saved version of their document, runs pointing at the
 * exact version they ran, and recordings as chunked BLOBs per probe.
 */
import type { Migration } from './migration.js';

/** Creates the first schema. */
export const initialSchema: Migration = {
  version: 1,
  name: 'initial schema',
  up(db) {
    db.exec(`
      CREATE TABLE projects (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;

      -- Every save is a row; "number" counts 1, 2, 3… within a project.
      CREATE TABLE project_versions (
        id INTEGER PRIMARY KEY,
        project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        number INTEGER NOT NULL,
        saved_at TEXT NOT NULL,
        message TEXT,
        document TEXT NOT NULL,
        UNIQUE (project_id, number)
      ) STRICT;

      -- A run reaches its project through the version it ran, so the two cannot disagree.
      CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        version_id INTEGER NOT NULL REFERENCES project_versions(id) ON DELETE CASCADE,
        engine TEXT NOT NULL,
        seed INTEGER NOT NULL,
        dt REAL NOT NULL,
        steps INTEGER NOT NULL,
        settings TEXT NOT NULL,
        started_at TEXT NOT NULL,
        ended_at TEXT,
        wall_ms REAL,
        status TEXT NOT NULL CHECK (status IN ('running', 'finished', 'cancelled', 'failed')),
        message TEXT
      ) STRICT;
      CREATE INDEX runs_by_version ON runs(version_id);

      -- What each probe recorded (its CSV layout as JSON), in plan order (rowid): enough to read chunks back.
      CREATE TABLE probes (
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        probe TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('state', 'spikes', 'rate')),
        layout TEXT NOT NULL,
        PRIMARY KEY (run_id, probe)
      ) STRICT;

      -- first/last: sample, bin or step range of the chunk (inclusive); count: rows in it.
      -- data goes last so that range scans never touch the BLOB's overflow pages.
      CREATE TABLE chunks (
        id INTEGER PRIMARY KEY,
        run_id INTEGER NOT NULL,
        probe TEXT NOT NULL,
        first INTEGER NOT NULL,
        last INTEGER NOT NULL,
        count INTEGER NOT NULL,
        data BLOB NOT NULL,
        FOREIGN KEY (run_id, probe) REFERENCES probes(run_id, probe) ON DELETE CASCADE
      ) STRICT;
      CREATE INDEX chunks_by_time ON chunks(run_id, probe, last);
    `);
  },
};

/**
 * Lab schema 7: a run's number is never given to another run. `runs.id` is an INTEGER
 * PRIMARY KEY, for which SQLite picks max(id) + 1: deleting the newest run let the next run
 * take its number, and "run 42" in a CSV file's name, an open tab or a script's
 * `spikeflow export 42` then named another run. SQLite's AUTOINCREMENT would mean
 * rebuilding the table (foreign keys off, outside the migration's transaction); instead the
 * highest number ever deleted is kept in `retired_ids` by a trigger (cascades from a deleted
 * project included), and runs.ts numbers a new run above both (runs.ts `insert`).
 */
import type { Migration } from './migration.js';

export const runIdsNeverReused: Migration = {
  version: 7,
  name: 'run numbers never reused',
  up(db) {
    db.exec(`
      CREATE TABLE retired_ids (
        name TEXT PRIMARY KEY,
        last INTEGER NOT NULL
      ) STRICT;
      CREATE TRIGGER runs_retire_id AFTER DELETE ON runs BEGIN
        INSERT INTO retired_ids (name, last) VALUES ('runs', OLD.id)
          ON CONFLICT (name) DO UPDATE SET last = max(last, excluded.last);
      END;
    `);
  },
};

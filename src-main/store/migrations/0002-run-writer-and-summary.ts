/**
 * Lab schema 2: who is writing a run (process id and host, and when it last committed), so
 * that a run left 'running' by a crashed or killed process can be told from one still in
 * progress; and the run's summary statistics and the steps it completed.
 */
import type { Migration } from './migration.js';

/** Adds writer liveness and summary columns to runs. */
export const runWriterAndSummary: Migration = {
  version: 2,
  name: 'run writer and summary',
  up(db) {
    db.exec(`
      ALTER TABLE runs ADD COLUMN steps_done INTEGER;
      ALTER TABLE runs ADD COLUMN summary TEXT;
      ALTER TABLE runs ADD COLUMN writer_pid INTEGER;
      ALTER TABLE runs ADD COLUMN writer_host TEXT;
      ALTER TABLE runs ADD COLUMN heartbeat_at TEXT;
      CREATE INDEX runs_in_progress ON runs(status) WHERE status = 'running';
    `);
  },
};

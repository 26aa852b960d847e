/** The shape of one lab-schema migration. */
import type Database from 'better-sqlite3';

/**
 * One step of the lab schema. `up` runs inside a write transaction together with the
 * `user_version` bump, so a migration is applied entirely or not at all. Released
 * migrations are never edited: a change is a new file with the next number.
 */
export interface Migration {
  /** The `user_version` the database has after this step (1, 2, 3… with no gaps). */
  version: number;
  /** A few words for error messages, e.g. "document hashes". */
  name: string;
  up(db: Database.Database): void;
}

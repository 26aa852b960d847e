/**
 * A lab opened for use: the database plus its projects, runs and recordings, with the one
 * place that turns SQLite failures into messages naming the file (`guard`) and the one way
 * to write (`write`: an immediate transaction, so concurrent writers wait on busy_timeout
 * instead of failing on a read-to-write lock upgrade).
 */
import type Database from 'better-sqlite3';
import { openLabDatabase, type OpenLabOptions } from './database.js';
import { describeLabFailure } from './errors.js';
import { ProjectStore } from './projects.js';
import { RecordingStore } from './recordings.js';
import { RunStore } from './runs.js';

/** An open lab file. Close it when done; one Lab per process and file is enough. */
export class Lab {
  readonly projects: ProjectStore;
  readonly runs: RunStore;
  readonly recordings: RecordingStore;
  private closed = false;

  /** Use `openLab`. */
  constructor(
    readonly file: string,
    readonly db: Database.Database,
    readonly readonly: boolean,
  ) {
    this.projects = new ProjectStore(this);
    this.runs = new RunStore(this);
    this.recordings = new RecordingStore(this);
  }

  /** Runs `fn`, turning any failure into a LabError that says what `action` was. */
  guard<T>(action: string, fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      throw describeLabFailure(err, this.file, action);
    }
  }

  /** Runs `fn` in one immediate write transaction (all or nothing), guarded. */
  write<T>(action: string, fn: () => T): T {
    return this.guard(action, () => this.db.transaction(fn).immediate());
  }

  /**
   * Gives the pages freed by deletions back to the file system. Labs are created with
   * incremental auto-vacuum, which is cheap; a file without it gets a full VACUUM.
   */
  reclaimSpace(): void {
    this.guard('reclaiming free space', () => {
      if (this.db.pragma('auto_vacuum', { simple: true }) === 2) this.db.exec('PRAGMA incremental_vacuum');
      else this.db.exec('VACUUM');
      // The file shrinks when the WAL is written back; TRUNCATE also empties the WAL file.
      this.db.pragma('wal_checkpoint(TRUNCATE)');
    });
  }

  /** Bytes the database occupies (pages in use and free, WAL excluded). */
  sizeBytes(): number {
    return this.guard('measuring the lab', () => {
      const pages = this.db.pragma('page_count', { simple: true }) as number;
      const size = this.db.pragma('page_size', { simple: true }) as number;
      return pages * size;
    });
  }

  /** Closes the database; later calls do nothing. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }
}

/**
 * Opens the lab at `file` (created and upgraded as needed). A writable open also marks runs
 * whose recording process has died (crash, kill) as failed with an "interrupted" message.
 */
export function openLab(file: string, options: OpenLabOptions = {}): Lab {
  const lab = new Lab(file, openLabDatabase(file, options), options.readonly ?? false);
  if (!lab.readonly) {
    try {
      lab.runs.markInterrupted();
    } catch (err) {
      lab.close();
      throw err;
    }
  }
  return lab;
}

/** Current time as stored in the lab: ISO 8601 in UTC with milliseconds (sorts as text). */
export function timestamp(): string {
  return new Date().toISOString();
}

/**
 * A lab opened for use: the database plus its projects, runs and recordings, with the one
 * place that turns SQLite failures into messages naming the file (`guard`) and the one way
 * to write (`write`: an immediate transaction, so concurrent writers wait on busy_timeout
 * instead of failing on a read-to-write lock upgrade).
 */
import type Database from 'better-sqlite3';
import fs from 'node:fs';
import { NEEDS_UPGRADE, openLabDatabase, type OpenLabOptions } from './database.js';
import { describeLabFailure, LabError } from './errors.js';
import { ProjectStore } from './projects.js';
import { RecordingStore } from './recordings.js';
import { RunStore } from './runs.js';
import { TypeLibraryStore } from './type-library.js';

/** An open lab file. Close it when done; one Lab per process and file is enough. */
export class Lab {
  readonly projects: ProjectStore;
  readonly runs: RunStore;
  readonly recordings: RecordingStore;
  /** Block types kept for reuse across projects (schema 5). */
  readonly typeLibrary: TypeLibraryStore;
  /** What the quick check on opening found wrong (read-only opens of a damaged lab). */
  damage: string[] = [];
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
    this.typeLibrary = new TypeLibraryStore(this);
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
 * whose recording process has died (crash, kill) as failed with an "interrupted" message;
 * when the disk is full or the file read-only that is left for a later open (listings show
 * such runs as failed anyway), so a lab can always be read. A damaged lab is refused for
 * writing; read-only opens take it and list the problems in `lab.damage`.
 */
export function openLab(file: string, options: OpenLabOptions = {}): Lab {
  const damage: string[] = [];
  const readonly = options.readonly ?? false;
  const db = openLabDatabase(file, readonly ? { onDamaged: (problems) => damage.push(...problems), ...options } : options);
  const lab = new Lab(file, db, readonly);
  lab.damage = damage;
  if (!lab.readonly) {
    try {
      lab.runs.markInterrupted();
    } catch (err) {
      const code = (err as LabError).code ?? '';
      if (!code.startsWith('SQLITE_FULL') && !code.startsWith('SQLITE_READONLY')) {
        lab.close();
        throw err;
      }
    }
  }
  return lab;
}

/**
 * Opens a lab to list or export from it without writing a byte: read-only when its schema
 * is current (so this works on a full disk, on a read-only file and on a damaged lab), and
 * for writing only when it must be upgraded first or does not exist yet.
 */
export function openLabForReading(file: string): Lab {
  if (!fs.existsSync(file)) return openLab(file);
  try {
    return openLab(file, { readonly: true });
  } catch (err) {
    if (err instanceof LabError && err.code === NEEDS_UPGRADE) return openLab(file);
    throw err;
  }
}

/** Current time as stored in the lab: ISO 8601 in UTC with milliseconds (sorts as text). */
export function timestamp(): string {
  return new Date().toISOString();
}

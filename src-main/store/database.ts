/**
 * Opening a lab file: every pragma in one place, the checks that refuse files this version
 * must not touch (not a database, another application's database, a newer Spikeflow's
 * lab), and the schema migrations. Nothing is written to a file before it passed those
 * checks, so a refused file is left exactly as it was.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describeLabFailure, LabError } from './errors.js';
import { LATEST_SCHEMA_VERSION, MIGRATIONS, type Migration } from './migrations/index.js';
import { openCheck, type OpenCheck } from './open-check.js';

/** `PRAGMA application_id` of a Spikeflow lab ("SFLB"), so other SQLite files are refused. */
export const LAB_APPLICATION_ID = 0x53464c42;

/** How long a writer waits for another process's transaction before giving up. */
export const DEFAULT_BUSY_TIMEOUT_MS = 10_000;

/** Options of `openLabDatabase`. */
export interface OpenLabOptions {
  /** Open for reading only: nothing is migrated or written (listing, export). */
  readonly?: boolean;
  busyTimeoutMs?: number;
  /**
   * The migrations to apply (default: all). Tests pass a prefix to build a database at an
   * earlier schema version, exactly as an earlier Spikeflow left it.
   */
  migrations?: readonly Migration[];
  /**
   * Called with what the quick check on opening found wrong. Without it a damaged lab is
   * refused; read-only opens pass it so that what is intact can still be listed and exported.
   */
  onDamaged?: (problems: string[]) => void;
  /** Called with what the check on opening an existing lab looked at and found. */
  onChecked?: (check: OpenCheck) => void;
  /** Labs larger than this get a bounded sample instead of a check of every page (tests lower it). */
  quickCheckMaxBytes?: number;
}

/** LabError code: the lab is damaged (quick check on opening, or a checksum). */
export const DAMAGED = 'SPIKEFLOW_DAMAGED';

/** LabError code: a read-only open of a lab whose schema is older than this Spikeflow's. */
export const NEEDS_UPGRADE = 'SPIKEFLOW_NEEDS_UPGRADE';

/** Labs up to this size get SQLite's quick_check on every open; larger ones a bounded sample (open-check.ts). */
export { QUICK_CHECK_MAX_BYTES } from './open-check.js';

function readNumberPragma(db: Database.Database, name: string): number {
  return db.pragma(name, { simple: true }) as number;
}

/** Refuses files that are not, or not yet/no longer, this Spikeflow's labs. Reads only. */
function checkIdentity(db: Database.Database, file: string, knownVersion: number): number {
  const applicationId = readNumberPragma(db, 'application_id');
  const userVersion = readNumberPragma(db, 'user_version');
  const tables = (db.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE type = 'table'").get() as { n: number }).n;
  const foreign = applicationId !== 0 ? applicationId !== LAB_APPLICATION_ID : userVersion !== 0 || tables > 0;
  if (foreign) {
    throw new LabError(`${file} is an SQLite database of another application, not a Spikeflow lab; it was left untouched`, file);
  }
  if (userVersion > LATEST_SCHEMA_VERSION || userVersion > knownVersion) {
    throw new LabError(
      `${file} was written by a newer Spikeflow (lab schema ${userVersion}; this Spikeflow knows up to ${knownVersion}): ` +
        'update Spikeflow to open it; the file was left untouched',
      file,
    );
  }
  return userVersion;
}

/** Page size of new labs: recordings are BLOBs of ~256 KiB, stored in fewer, larger pages. */
export const LAB_PAGE_SIZE = 65536;

/** Bytes of WAL between automatic checkpoints. */
const CHECKPOINT_BYTES = 64 * 1024 * 1024;

/**
 * Pragmas of a writable connection. Order matters: page_size and auto_vacuum only take on
 * an empty file, before it switches to WAL.
 */
function applyWritePragmas(db: Database.Database, fresh: boolean): void {
  if (fresh) {
    // 64 KiB pages cost about a third less CPU per recorded byte than 4 KiB (measured with
    // 256 KiB BLOBs) and halve the time the recording thread spends in SQLite.
    db.pragma(`page_size = ${LAB_PAGE_SIZE}`);
    // Freed pages (deleted runs) can then be handed back to the file system without a full VACUUM.
    db.pragma('auto_vacuum = INCREMENTAL');
  }
  const mode = db.pragma('journal_mode = WAL', { simple: true });
  if (mode !== 'wal') throw new Error(`could not switch to write-ahead logging (journal mode is ${String(mode)})`);
  // WAL + NORMAL: a crash of the app cannot corrupt or lose committed runs; a power cut may
  // lose the last commits but never leaves a broken file. Full fsync per chunk would halve throughput.
  db.pragma('synchronous = NORMAL');
  // Checkpoints (copy WAL → database + fsync) every 64 MiB instead of SQLite's 1000 pages: a
  // streaming recording then pays a few fsyncs per run instead of one per batch (measured:
  // about a third less CPU and far fewer I/O stalls on the writing thread).
  const pageSize = readNumberPragma(db, 'page_size');
  db.pragma(`wal_autocheckpoint = ${Math.max(1000, Math.round(CHECKPOINT_BYTES / pageSize))}`);
  // Keeps the -wal file from staying as large as the biggest recording ever streamed.
  db.pragma('journal_size_limit = 67108864');
}

/**
 * 4 MiB of page cache: BLOBs stream through once, so more buys nothing. Set once the page
 * size is final: SQLite turns a size in KiB into a page count with the page size of the
 * moment, so better-sqlite3's 16 MB default, fixed while a new file still had 4 KiB pages,
 * became 4000 pages of 64 KiB and the process grew by ~200 MB while recording (measured).
 */
function limitCache(db: Database.Database): void {
  db.pragma('cache_size = -4096');
}

/** Applies the pending migrations, each in its own immediate transaction. */
function migrate(db: Database.Database, file: string, migrations: readonly Migration[]): void {
  for (const migration of migrations) {
    const step = db.transaction(() => {
      // Re-read inside the write lock: another process may have migrated meanwhile.
      if (readNumberPragma(db, 'user_version') >= migration.version) return;
      migration.up(db);
      if (migration.version === 1) db.pragma(`application_id = ${LAB_APPLICATION_ID}`);
      db.pragma(`user_version = ${migration.version}`);
    });
    try {
      step.immediate();
    } catch (err) {
      const failure = describeLabFailure(err, file, `upgrading the lab to schema ${migration.version} (${migration.name})`);
      throw new LabError(`${failure.message}; the lab was left at its previous schema`, file, { cause: err, code: failure.code });
    }
  }
}

/**
 * Opens (creating if needed) the lab database at `file`, with WAL, foreign keys and a busy
 * timeout, upgraded to the current schema. Throws LabError with a one-line message naming
 * the file when it cannot be used.
 */
export function openLabDatabase(file: string, options: OpenLabOptions = {}): Database.Database {
  const migrations = options.migrations ?? MIGRATIONS;
  const readonly = options.readonly ?? false;
  const exists = fs.existsSync(file);
  if (exists && fs.statSync(file).size === 0 && !fs.existsSync(`${file}-wal`)) {
    // An emptied lab (truncated by a failed copy or sync) must not be silently replaced by a
    // new, empty one: the user would think their projects and runs were gone for good.
    throw new LabError(
      `${file} is empty (0 bytes): it is no longer a Spikeflow lab, perhaps cut short by a failed copy; ` +
        'it was left as it is (restore it from a backup, or remove it to start a new lab there)',
      file,
      { code: DAMAGED },
    );
  }
  if (!exists) {
    if (readonly) throw new LabError(`there is no lab database at ${file}`, file);
    const dir = path.dirname(path.resolve(file));
    if (!fs.existsSync(dir)) throw new LabError(`cannot create ${file}: the folder ${dir} does not exist`, file);
  }
  let db: Database.Database;
  try {
    db = new Database(file, { readonly, fileMustExist: readonly });
  } catch (err) {
    throw describeLabFailure(err, file, 'opening the lab');
  }
  try {
    db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS}`);
    const version = checkIdentity(db, file, migrations.length);
    db.pragma('foreign_keys = ON');
    if (exists) {
      const check = openCheck(db, file, version, options.quickCheckMaxBytes);
      options.onChecked?.(check);
      if (check.problems.length > 0) {
        if (!options.onDamaged) throw damagedLab(file, check);
        options.onDamaged(check.problems);
      }
    }
    if (readonly) {
      if (version < migrations.length) {
        throw new LabError(
          `${file} has lab schema ${version} and needs an upgrade to ${migrations.length}, which cannot be done read-only; open it once for writing`,
          file,
          { code: NEEDS_UPGRADE },
        );
      }
      limitCache(db);
      return db;
    }
    applyWritePragmas(db, version === 0 && readNumberPragma(db, 'page_count') === 0);
    limitCache(db);
    migrate(db, file, migrations.slice(version));
    return db;
  } catch (err) {
    db.close();
    if (!exists) removeIfEmpty(file);
    throw describeLabFailure(err, file, 'opening the lab');
  }
}

/** The refusal of a damaged lab for writing: nothing is written to it, nothing is lost. */
function damagedLab(file: string, check: OpenCheck): LabError {
  return new LabError(
    `${file} is damaged (${check.problems.join('; ')}; found checking ${check.checked}); it was left as it is and is not written to: ` +
      `"spikeflow check --db ${file}" lists what is affected, the runs that are intact can still be exported, ` +
      'and a copy of the file can be opened instead',
    file,
    { code: DAMAGED },
  );
}

/** Removes a file this call created and left empty, so a failed open leaves no litter. */
function removeIfEmpty(file: string): void {
  try {
    if (fs.statSync(file).size === 0) fs.rmSync(file);
  } catch {
    // nothing was created
  }
}

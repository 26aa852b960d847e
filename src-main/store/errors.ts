/**
 * One error type for the lab store, with one-line messages that name the lab file (and the
 * project, run or probe where known), so the CLI can print `err.message` as it is and the
 * app can show it in a dialog. SQLite's result codes are translated here, in one place.
 */
import { statSync } from 'node:fs';

/** A lab-store failure; `message` is one line naming the file; `code` is SQLite's, if any. */
export class LabError extends Error {
  readonly file: string;
  readonly code: string | undefined;

  constructor(message: string, file: string, options: { cause?: unknown; code?: string } = {}) {
    super(message, { cause: options.cause });
    this.name = 'LabError';
    this.file = file;
    this.code = options.code;
  }
}

/** SQLite's extended result code of an error thrown by better-sqlite3, if it is one. */
export function sqliteCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : undefined;
}

/**
 * Turns any error raised while doing `action` on `file` into a LabError whose message says
 * what happened in the user's terms. LabErrors pass through unchanged, so nested guarded
 * calls do not stack their descriptions.
 */
export function describeLabFailure(err: unknown, file: string, action: string): LabError {
  if (err instanceof LabError) return err;
  const code = sqliteCode(err);
  const detail = err instanceof Error ? err.message : String(err);
  const make = (message: string) => new LabError(message, file, { cause: err, code });
  // SQLite says "unable to open database file" or "disk I/O error" for a folder.
  if (statSync(file, { throwIfNoEntry: false })?.isDirectory()) return make(`cannot open ${file}: it is a folder, not a lab file`);
  if (code === undefined) return make(`${file}: ${action} failed: ${detail}`);
  if (code.startsWith('SQLITE_FULL')) {
    return make(
      `${file}: the disk is full (or the lab reached its size limit) while ${action}; ` +
        'everything stored before is intact: free some space and try again',
    );
  }
  if (code === 'SQLITE_IOERR_SHMSIZE' || code === 'SQLITE_READONLY_DIRECTORY' || code === 'SQLITE_READONLY_CANTINIT') {
    return make(
      `cannot read ${file}: SQLite must create a small shared-memory file (${file}-shm) next to it, and the disk is full ` +
        'or the folder is read-only; free some space, or copy the lab to a writable folder',
    );
  }
  if (code.startsWith('SQLITE_READONLY')) {
    return make(`${file} is read-only (while ${action}); check the permissions of the file and its folder, or work on a copy`);
  }
  if (code.startsWith('SQLITE_CANTOPEN')) {
    return make(`cannot open ${file}: the location is read-only or not accessible (${detail})`);
  }
  if (code === 'SQLITE_NOTADB') return make(`${file} is not a Spikeflow lab database (it is not an SQLite file)`);
  if (code.startsWith('SQLITE_CORRUPT')) return make(`${file} is damaged (SQLite reports corruption) while ${action}`);
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return make(`${file} is busy: another program kept it locked while ${action}; try again`);
  }
  if (code.startsWith('SQLITE_IOERR')) return make(`${file}: input/output error while ${action} (${detail})`);
  return make(`${file}: ${action} failed: ${detail} (${code})`);
}

/**
 * All lab-schema migrations in order. Append only: add a new numbered file and list it
 * here; never edit or reorder a released one.
 */
import { initialSchema } from './0001-initial.js';
import { runWriterAndSummary } from './0002-run-writer-and-summary.js';
import { documentHash } from './0003-document-hash.js';
import { checksums } from './0004-checksums.js';
import { typeLibrary } from './0005-type-library.js';
import { connectionStates } from './0006-connection-states.js';
import { runIdsNeverReused } from './0007-run-ids-never-reused.js';
import type { Migration } from './migration.js';

export type { Migration } from './migration.js';

/** Every migration, versions 1…N in order. */
export const MIGRATIONS: readonly Migration[] = [initialSchema, runWriterAndSummary, documentHash, checksums, typeLibrary, connectionStates, runIdsNeverReused];

/** The schema version this Spikeflow writes. */
export const LATEST_SCHEMA_VERSION = MIGRATIONS.length;

MIGRATIONS.forEach((m, i) => {
  if (m.version !== i + 1) throw new Error(`lab migration "${m.name}" has version ${m.version}, expected ${i + 1}`);
});

/**
 * Lab schema 3: a hash of each saved document, so "save if changed" compares one column
 * instead of parsing the latest document. Existing versions are hashed here.
 *
 * The hash function is copied into this file on purpose: a released migration must not
 * change when the app's own hashing changes later (a different hash would only cause one
 * extra saved version, never a lost one).
 */
import { createHash } from 'node:crypto';
import type { Migration } from './migration.js';

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Adds and fills project_versions.document_hash. */
export const documentHash: Migration = {
  version: 3,
  name: 'document hashes',
  up(db) {
    db.exec('ALTER TABLE project_versions ADD COLUMN document_hash TEXT');
    const rows = db.prepare('SELECT id, document FROM project_versions').all() as Array<{ id: number; document: string }>;
    const update = db.prepare('UPDATE project_versions SET document_hash = ? WHERE id = ?');
    for (const row of rows) {
      const hash = createHash('sha256').update(canonicalJson(JSON.parse(row.document))).digest('hex');
      update.run(hash, row.id);
    }
  },
};

/**
 * Lab schema 5: the library of block types a user keeps for reuse across projects (types
 * written as equations, src-shared/equations). One row per type name; the definition is
 * the type's JSON as a project document holds it, with a CRC-32 as every saved document
 * has (schema 4), so a damaged definition is refused on read instead of compiled.
 */
import type { Migration } from './migration.js';

export const typeLibrary: Migration = {
  version: 5,
  name: 'block type library',
  up(db) {
    db.exec(`
      CREATE TABLE type_library (
        name TEXT PRIMARY KEY,
        category TEXT NOT NULL,
        title TEXT NOT NULL,
        saved_at TEXT NOT NULL,
        definition TEXT NOT NULL,
        definition_checksum INTEGER NOT NULL
      ) STRICT;
    `);
  },
};

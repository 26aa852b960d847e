/**
 * The lab's library of block types (table type_library, schema 5): types written as
 * equations that a user keeps to use again in other projects. The store keeps them as
 * text; whether one compiles is checked by the API before it is saved, and again by the
 * compiler in every project it is used in. Every definition carries its CRC-32 and is
 * refused, naming the type, when its bytes no longer match.
 */
import { documentChecksum } from './checksums.js';
import { LabError } from './errors.js';
import { timestamp, type Lab } from './lab.js';

export interface LibraryTypeRecord {
  name: string;
  category: string;
  title: string;
  savedAt: string;
  /** The type's JSON as a project document holds it. */
  definition: unknown;
}

interface Row {
  name: string;
  category: string;
  title: string;
  saved_at: string;
  definition: string;
  definition_checksum: number;
}

export class TypeLibraryStore {
  constructor(private readonly lab: Lab) {}

  private record(row: Row): LibraryTypeRecord {
    if (documentChecksum(row.definition) !== row.definition_checksum) {
      throw new LabError(`${this.lab.file}: the library's block type "${row.name}" is damaged (its checksum does not match)`, this.lab.file);
    }
    return { name: row.name, category: row.category, title: row.title, savedAt: row.saved_at, definition: JSON.parse(row.definition) as unknown };
  }

  /** Every type of the library, by name. */
  list(): LibraryTypeRecord[] {
    return this.lab.guard('listing the block type library', () =>
      (this.lab.db.prepare('SELECT * FROM type_library ORDER BY name').all() as Row[]).map((r) => this.record(r)));
  }

  get(name: string): LibraryTypeRecord | undefined {
    const row = this.lab.guard('reading the block type library', () =>
      this.lab.db.prepare('SELECT * FROM type_library WHERE name = ?').get(name) as Row | undefined);
    return row ? this.record(row) : undefined;
  }

  /** Keeps `definition` under `name`, replacing a type of that name. */
  save(name: string, category: string, title: string, definition: unknown): LibraryTypeRecord {
    const text = JSON.stringify(definition);
    const savedAt = timestamp();
    this.lab.write(`saving block type "${name}" to the library`, () => {
      this.lab.db.prepare(`
        INSERT INTO type_library (name, category, title, saved_at, definition, definition_checksum) VALUES (?, ?, ?, ?, ?, ?)
        ON CONFLICT(name) DO UPDATE SET category = excluded.category, title = excluded.title, saved_at = excluded.saved_at,
          definition = excluded.definition, definition_checksum = excluded.definition_checksum
      `).run(name, category, title, savedAt, text, documentChecksum(text));
    });
    return { name, category, title, savedAt, definition: JSON.parse(text) as unknown };
  }

  /** Removes a type; returns whether there was one. */
  delete(name: string): boolean {
    return this.lab.write(`deleting block type "${name}" from the library`, () =>
      this.lab.db.prepare('DELETE FROM type_library WHERE name = ?').run(name).changes > 0);
  }
}

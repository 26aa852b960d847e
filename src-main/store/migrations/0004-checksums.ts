/**
 * Lab schema 4: a CRC-32 with every recording chunk and every saved document, so that bytes
 * altered on disk (a failing drive, a bad copy) are detected on read instead of being
 * exported as numbers that look right. SQLite's own integrity check cannot see such damage:
 * it checks the structure of its pages, not the values stored in them.
 *
 * A chunk's checksum covers where it belongs (run, probe, index range, row count) as well
 * as its bytes, so a flipped index is caught as surely as a flipped value. The functions
 * are copied here on purpose: a released migration must not change when the app's own
 * checksum code changes later (src-main/store/checksums.ts computes the same values).
 */
import zlib from 'node:zlib';
import type { Migration } from './migration.js';

function chunkChecksum(runId: number, probe: string, first: number, last: number, count: number, data: Uint8Array): number {
  return zlib.crc32(data, zlib.crc32(`${runId}\u0000${probe}\u0000${first}\u0000${last}\u0000${count}`));
}

/** Adds and fills chunks.checksum and project_versions.document_checksum. */
export const checksums: Migration = {
  version: 4,
  name: 'checksums',
  up(db) {
    db.exec(`
      ALTER TABLE chunks ADD COLUMN checksum INTEGER;
      ALTER TABLE project_versions ADD COLUMN document_checksum INTEGER;
    `);
    const versions = db.prepare('SELECT id, document FROM project_versions').all() as Array<{ id: number; document: string }>;
    const setVersion = db.prepare('UPDATE project_versions SET document_checksum = ? WHERE id = ?');
    for (const row of versions) setVersion.run(zlib.crc32(row.document), row.id);
    // One chunk in memory at a time: a lab may hold gigabytes of recordings.
    const ids = db.prepare('SELECT id FROM chunks ORDER BY id').pluck().all() as number[];
    const read = db.prepare('SELECT run_id, probe, first, last, count, data FROM chunks WHERE id = ?');
    const setChunk = db.prepare('UPDATE chunks SET checksum = ? WHERE id = ?');
    for (const id of ids) {
      const c = read.get(id) as { run_id: number; probe: string; first: number; last: number; count: number; data: Buffer };
      setChunk.run(chunkChecksum(c.run_id, c.probe, c.first, c.last, c.count, c.data), id);
    }
  },
};

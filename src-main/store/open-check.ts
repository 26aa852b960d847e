/**
 * The quick check a lab gets every time it is opened. A lab up to QUICK_CHECK_MAX_BYTES
 * gets SQLite's quick_check of every page (≈ 50 ms at that size); a larger one, whose full
 * check would take seconds to minutes, gets a check bounded in time whatever its size: the
 * file header, the schema, the newest rows of the tables written last, the checksums of
 * the newest recording chunks and of a sample spread over the rest (at most
 * QUICK_CHECK_SAMPLE_CHUNKS chunks and QUICK_CHECK_SAMPLE_BYTES of data), and of the newest
 * saved documents. What was checked is said with the result; `spikeflow check` checks all.
 */
import fs from 'node:fs';
import type Database from 'better-sqlite3';
import { chunkChecksum, documentChecksum } from './checksums.js';
import { sqliteCode } from './errors.js';

/** Labs up to this size get SQLite's quick_check on every open (≈ 50 ms at this size). */
export const QUICK_CHECK_MAX_BYTES = 64 * 1024 * 1024;
/** Recording chunks whose checksums a larger lab's check verifies: half the newest, half spread over the rest. */
export const QUICK_CHECK_SAMPLE_CHUNKS = 64;
/** Chunk data a larger lab's check reads at most (≈ 30 ms of checksums, plus the reads). */
export const QUICK_CHECK_SAMPLE_BYTES = 32 * 1024 * 1024;
/** Saved documents (newest first) a larger lab's check verifies. */
export const QUICK_CHECK_SAMPLE_DOCUMENTS = 16;

/** What the check on opening found, and what it looked at. */
export interface OpenCheck {
  problems: string[];
  /** "every page (SQLite quick_check)", or the parts of a large lab that were sampled. */
  checked: string;
}

/** Problems of an SQLite file header that a truncated copy shows (cheap: reads 100 bytes). */
export function headerProblems(file: string): string[] {
  const header = Buffer.alloc(100);
  const fd = fs.openSync(file, 'r');
  let read: number;
  try {
    read = fs.readSync(fd, header, 0, 100, 0);
  } finally {
    fs.closeSync(fd);
  }
  if (read < 100 || header.toString('latin1', 0, 16) !== 'SQLite format 3\u0000') return []; // not SQLite at all: refused by checkIdentity
  const raw = header.readUInt16BE(16);
  const pageSize = raw === 1 ? 65536 : raw;
  // The page count in the header is valid only when its version-valid-for field matches
  // the change counter (both set by SQLite ≥ 3.7.0 on every commit).
  const pages = header.readUInt32BE(28);
  if (header.readUInt32BE(24) !== header.readUInt32BE(92) || pages === 0) return [];
  // While a checkpoint copies pages from the WAL, the file may briefly be shorter than its
  // new header says: only a file with no write-ahead log pending is judged.
  const wal = `${file}-wal`;
  if (fs.existsSync(wal) && fs.statSync(wal).size > 0) return [];
  const size = fs.statSync(file).size;
  if (size < pages * pageSize) return [`the file is ${size} bytes long but its header says ${pages * pageSize} (it was cut short)`];
  return [];
}

/** Runs `read`; SQLite's corruption errors become a problem instead of an abort. */
function readOrReport<T>(read: () => T, where: string, problems: string[]): T | undefined {
  try {
    return read();
  } catch (err) {
    const code = sqliteCode(err);
    if (code?.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB' || code === 'SQLITE_IOERR_SHORT_READ') {
      problems.push(`${where}: SQLite cannot read it (${(err as Error).message})`);
      return undefined;
    }
    throw err;
  }
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;

/**
 * The check on opening an existing lab (at lab schema `version`, already identified as a
 * lab): every page when it is at most `maxBytes` long, a bounded sample otherwise.
 */
export function openCheck(db: Database.Database, file: string, version: number, maxBytes = QUICK_CHECK_MAX_BYTES): OpenCheck {
  const problems = headerProblems(file);
  if (problems.length > 0) return { problems, checked: 'the file header' };
  const size = fs.statSync(file).size;
  if (size <= maxBytes) {
    const rows = db.pragma('quick_check(5)', { simple: false }) as Array<{ quick_check: string }>;
    return { problems: rows.map((r) => r.quick_check).filter((text) => text !== 'ok'), checked: 'every page (SQLite quick_check)' };
  }
  return sampledCheck(db, version, size, maxBytes);
}

/** The bounded check of a lab larger than `maxBytes`. */
function sampledCheck(db: Database.Database, version: number, size: number, maxBytes: number): OpenCheck {
  const problems: string[] = [];
  const parts = ['the file header'];
  // Tables with a rowid (wr = 0): the lab has no others; their newest rows come last by rowid.
  const tables = readOrReport(
    () => db.prepare("SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table' AND wr = 0").pluck().all() as string[],
    'the schema',
    problems,
  );
  if (!tables) return { problems, checked: `a sample (the lab is ${mb(size)}, over the ${mb(maxBytes)} checked in full): the file header and the schema` };
  parts.push('the schema');
  // The newest rows of every table sit on the pages written last (the b-trees' right edges).
  const own = tables.filter((t) => !t.startsWith('sqlite_'));
  for (const table of own) {
    readOrReport(() => db.prepare(`SELECT * FROM "${table.replaceAll('"', '""')}" ORDER BY rowid DESC LIMIT 4`).all(), `table ${table}`, problems);
  }
  parts.push(`the newest rows of its ${own.length} tables`);
  if (version >= 4) {
    parts.push(checkSampledChunks(db, problems));
    parts.push(checkNewestDocuments(db, problems));
  }
  return { problems, checked: `a sample (the lab is ${mb(size)}, over the ${mb(maxBytes)} checked in full): ${parts.join(', ')}` };
}

interface ChunkRow { id: number; run_id: number; probe: string; first: number; last: number; count: number; data: Buffer; checksum: number | null }

/** Verifies the newest chunks and a spread over the rest, within the sample's bounds; says what it covered. */
function checkSampledChunks(db: Database.Database, problems: string[]): string {
  const bounds = readOrReport(() => db.prepare('SELECT min(id) AS lo, max(id) AS hi FROM chunks').get() as { lo: number | null; hi: number | null }, 'the recording chunks', problems);
  if (!bounds || bounds.lo === null || bounds.hi === null) return 'no recording chunks';
  const { lo, hi } = bounds;
  const half = QUICK_CHECK_SAMPLE_CHUNKS / 2;
  const ids = new Set<number>();
  const newest = readOrReport(() => db.prepare('SELECT id FROM chunks ORDER BY id DESC LIMIT ?').pluck().all(half) as number[], 'the newest recording chunks', problems) ?? [];
  for (const id of newest) ids.add(id);
  const atOrAfter = db.prepare('SELECT id FROM chunks WHERE id >= ? ORDER BY id LIMIT 1').pluck();
  for (let k = 0; k < half; k++) {
    const id = readOrReport(() => atOrAfter.get(lo + Math.floor(((hi - lo + 1) * k) / half)) as number | undefined, 'the recording chunks', problems);
    if (id !== undefined) ids.add(id);
  }
  const chunk = db.prepare('SELECT id, run_id, probe, first, last, count, data, checksum FROM chunks WHERE id = ?');
  let bytes = 0;
  let verified = 0;
  for (const id of [...ids].sort((a, b) => b - a)) {
    if (bytes >= QUICK_CHECK_SAMPLE_BYTES) break;
    const c = readOrReport(() => chunk.get(id) as ChunkRow | undefined, `recording chunk ${id}`, problems);
    if (!c) continue;
    bytes += c.data.length;
    verified++;
    if (c.checksum !== chunkChecksum(c.run_id, c.probe, c.first, c.last, c.count, c.data)) {
      problems.push(`run ${c.run_id}, probe ${JSON.stringify(c.probe)}: a recording chunk is damaged (it does not match its checksum)`);
    }
  }
  return `the checksums of ${verified} recording chunks (the newest, and a spread over chunk ids ${lo} to ${hi})`;
}

/** Verifies the newest saved documents' checksums; says how many. */
function checkNewestDocuments(db: Database.Database, problems: string[]): string {
  const rows = readOrReport(
    () => db.prepare(
      `SELECT v.number, v.document, v.document_checksum, p.name FROM project_versions v LEFT JOIN projects p ON p.id = v.project_id
       ORDER BY v.id DESC LIMIT ?`,
    ).all(QUICK_CHECK_SAMPLE_DOCUMENTS) as Array<{ number: number; document: string; document_checksum: number | null; name: string | null }>,
    'the saved documents',
    problems,
  ) ?? [];
  for (const row of rows) {
    if (row.document_checksum !== documentChecksum(row.document)) {
      problems.push(`project ${JSON.stringify(row.name ?? '?')} version ${row.number}: the stored document is damaged (it does not match its checksum)`);
    }
  }
  return `the checksums of the ${rows.length} newest saved documents`;
}

/**
 * `spikeflow check`: everything that can be verified about a lab without changing it.
 * SQLite's integrity_check finds broken pages and indexes; the checksums of lab schema 4
 * find values altered inside pages that SQLite still considers sound; and rows whose
 * parent is gone (recording chunks of no probe) are listed, as an export would miss them.
 */
import { chunkChecksum, describeRange, documentChecksum } from './checksums.js';
import { sqliteCode } from './errors.js';
import { connectionStateChecksum } from './connection-states.js';
import type { Lab } from './lab.js';

/** What `checkLab` found. */
export interface LabCheckReport {
  /** One line per problem, in the user's terms (at most `maxProblems`). */
  problems: string[];
  /** Problems beyond `maxProblems`, counted but not listed. */
  moreProblems: number;
  documents: number;
  chunks: number;
}

/** Reads one row, turning SQLite's corruption errors into a problem instead of an abort. */
function readRow<T>(read: () => T, where: string, report: (line: string) => void): T | undefined {
  try {
    return read();
  } catch (err) {
    const code = sqliteCode(err);
    if (code?.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') {
      report(`${where}: SQLite cannot read it (${(err as Error).message})`);
      return undefined;
    }
    throw err;
  }
}

/** Checks the whole lab: integrity, every checksum, orphan rows. Reads only. */
export function checkLab(lab: Lab, options: { maxProblems?: number } = {}): LabCheckReport {
  const max = options.maxProblems ?? 100;
  const problems: string[] = [];
  let more = 0;
  const report = (line: string) => (problems.length < max ? problems.push(line) : more++);
  const db = lab.db;
  return lab.guard('checking the lab', () => {
    for (const row of readRow(() => db.pragma('integrity_check(100)') as Array<{ integrity_check: string }>, 'SQLite integrity check', report) ?? []) {
      if (row.integrity_check !== 'ok') report(`SQLite integrity check: ${row.integrity_check}`);
    }

    const versionIds = readRow(() => db.prepare('SELECT id FROM project_versions ORDER BY id').pluck().all() as number[], 'the list of project versions', report) ?? [];
    const version = db.prepare(
      `SELECT v.number, v.document, v.document_checksum, p.name FROM project_versions v LEFT JOIN projects p ON p.id = v.project_id WHERE v.id = ?`,
    );
    for (const id of versionIds) {
      const row = readRow(() => version.get(id) as { number: number; document: string; document_checksum: number | null; name: string | null }, `project version ${id}`, report);
      if (row && row.document_checksum !== documentChecksum(row.document)) {
        report(`project ${JSON.stringify(row.name ?? '?')} version ${row.number}: the stored document is damaged (it does not match its checksum)`);
      }
    }

    // The block type library (schema 5): each definition against its checksum.
    const library = readRow(
      () => db.prepare('SELECT name, definition, definition_checksum FROM type_library ORDER BY name').all() as Array<{ name: string; definition: string; definition_checksum: number }>,
      'the block type library',
      report,
    ) ?? [];
    for (const t of library) {
      if (t.definition_checksum !== documentChecksum(t.definition)) {
        report(`block type ${JSON.stringify(t.name)} of the library: the stored definition is damaged (it does not match its checksum)`);
      }
    }

    // Final states of plastic synapses (schema 6), which later runs continue from.
    // Row by row, as the chunks below: a part may be 64 MiB.
    const finalIds = readRow(() => db.prepare('SELECT rowid FROM connection_states ORDER BY run_id, synapse, part').pluck().all() as number[], 'the final states of plastic synapses', report) ?? [];
    const finalRow = db.prepare('SELECT run_id, synapse, part, structure, data, checksum FROM connection_states WHERE rowid = ?');
    for (const id of finalIds) {
      const f = readRow(
        () => finalRow.get(id) as { run_id: number; synapse: string; part: number; structure: string; data: Buffer; checksum: number },
        `final state row ${id}`,
        report,
      );
      if (f && f.checksum !== connectionStateChecksum(f.run_id, f.synapse, f.part, f.structure, f.data)) {
        report(`run ${f.run_id}, synapse ${JSON.stringify(f.synapse)}: the final state (for continuing the run) is damaged (it does not match its checksum)`);
      }
    }

    const chunkIds = readRow(() => db.prepare('SELECT id FROM chunks ORDER BY id').pluck().all() as number[], 'the list of recording chunks', report) ?? [];
    const chunk = db.prepare('SELECT run_id, probe, first, last, count, data, checksum FROM chunks WHERE id = ?');
    for (const id of chunkIds) {
      const c = readRow(
        () => chunk.get(id) as { run_id: number; probe: string; first: number; last: number; count: number; data: Buffer; checksum: number | null },
        `recording chunk ${id}`,
        report,
      );
      if (c && c.checksum !== chunkChecksum(c.run_id, c.probe, c.first, c.last, c.count, c.data)) {
        report(`${describeRange(lab.recordings.rangeOf(c.run_id, c.probe, c.first, c.last))}: the recording is damaged (it does not match its checksum)`);
      }
    }

    const orphans = readRow(
      () =>
        db.prepare(
          `SELECT c.run_id, c.probe, count(*) AS n FROM chunks c
           LEFT JOIN probes p ON p.run_id = c.run_id AND p.probe = c.probe
           WHERE p.run_id IS NULL GROUP BY c.run_id, c.probe`,
        ).all() as Array<{ run_id: number; probe: string; n: number }>,
      'orphan chunks',
      report,
    ) ?? [];
    for (const o of orphans) report(`${o.n} recording chunk(s) of run ${o.run_id}, probe ${JSON.stringify(o.probe)} belong to no recorded probe (orphans)`);
    for (const row of (readRow(() => db.pragma('foreign_key_check') as Array<{ table: string; parent: string }>, 'foreign keys', report) ?? []).filter((r) => r.table !== 'chunks')) {
      report(`a row of ${row.table} refers to a missing row of ${row.parent}`);
    }
    return { problems, moreProblems: more, documents: versionIds.length, chunks: chunkIds.length };
  });
}

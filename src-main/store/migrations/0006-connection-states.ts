/**
 * Lab schema 6: the final state of a run's plastic synapses, so a later run can continue
 * from it ("continue from run #12"; src-main/store/connection-states.ts). Rows per run and
 * plastic synapse: the structure of its connections (JSON, compared before a continuation)
 * and the per-connection arrays in BLOBs of at most 64 MiB (`part` 0, 1, …: SQLite holds
 * at most 1 GB in one value, a synapse of 10^8 connections needs several), each with a
 * CRC-32, as every recording chunk has (schema 4). Deleted with its run.
 */
import type { Migration } from './migration.js';

export const connectionStates: Migration = {
  version: 6,
  name: 'final connection states',
  up(db) {
    db.exec(`
      CREATE TABLE connection_states (
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        synapse TEXT NOT NULL,
        part INTEGER NOT NULL,
        structure TEXT NOT NULL,
        data BLOB NOT NULL,
        checksum INTEGER NOT NULL,
        PRIMARY KEY (run_id, synapse, part)
      ) STRICT;
    `);
  },
};

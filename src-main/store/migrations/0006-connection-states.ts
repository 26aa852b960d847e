/**
 * Lab schema 6: the final state of a run's plastic synapses, so a later run can continue
 * from it ("continue from run #12"; src-main/store/connection-states.ts). One row per run
 * and plastic synapse: the structure of its connections (JSON, compared before a
 * continuation), the per-connection arrays in one BLOB, and a CRC-32 over both, as every
 * recording chunk has (schema 4). Deleted with its run.
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
        structure TEXT NOT NULL,
        data BLOB NOT NULL,
        checksum INTEGER NOT NULL,
        PRIMARY KEY (run_id, synapse)
      ) STRICT;
    `);
  },
};

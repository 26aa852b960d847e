/**
 * The final state of a run's plastic synapses in the lab (table connection_states, schema
 * 6), for runs that continue from it (src-main/compiler/continue-from.ts). Per synapse, the
 * BLOB holds the f64 weights, each per-connection state (f64, in the structure's order) and
 * the Int32 step of each connection's last event, connection by connection in the rows'
 * order; the structure and the bytes are covered by one CRC-32, checked on every read.
 */
import zlib from 'node:zlib';
import type { ConnectionStructure, StoredConnectionState } from '../compiler/continue-from.js';
import { DamagedDataError } from './checksums.js';
import { LabError } from './errors.js';
import type { Lab } from './lab.js';

/** Bytes a connection's final state takes: f64 weight, f64 per state, Int32 last event. */
export function finalStateBytesPerConnection(states: number): number {
  return 8 + 8 * states + 4;
}

/** Checksum of one stored row: run, synapse, structure and bytes. */
export function connectionStateChecksum(runId: number, synapse: string, structure: string, data: Uint8Array): number {
  return zlib.crc32(data, zlib.crc32(`${runId}\u0000${synapse}\u0000${structure}`));
}

function pack(s: StoredConnectionState): Uint8Array {
  const n = s.w.length;
  const out = new Uint8Array(n * finalStateBytesPerConnection(s.structure.states.length));
  let at = 0;
  const put = (a: Float64Array | Int32Array) => {
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), at);
    at += a.byteLength;
  };
  put(s.w);
  for (const name of s.structure.states) put(s.states[name]!);
  put(s.last);
  return out;
}

function unpack(synapse: string, structure: ConnectionStructure, data: Uint8Array): StoredConnectionState {
  const n = structure.connections;
  // A copy aligned for the typed views (a Buffer from SQLite may start anywhere).
  const bytes = Uint8Array.from(data);
  let at = 0;
  const f64 = () => { const a = new Float64Array(bytes.buffer, at, n); at += 8 * n; return a; };
  const w = f64();
  const states = Object.fromEntries(structure.states.map((name) => [name, f64()]));
  const last = new Int32Array(bytes.buffer, at, n);
  return { synapse, structure, w, states, last };
}

/** Stores the final state of each plastic synapse of run `runId` (one write transaction). */
export function saveConnectionStates(lab: Lab, runId: number, states: StoredConnectionState[]): void {
  if (states.length === 0) return;
  lab.write(`keeping the final weights of run ${runId}`, () => {
    const insert = lab.db.prepare('INSERT OR REPLACE INTO connection_states (run_id, synapse, structure, data, checksum) VALUES (?, ?, ?, ?, ?)');
    for (const s of states) {
      const structure = JSON.stringify(s.structure);
      const data = pack(s);
      insert.run(runId, s.synapse, structure, data, connectionStateChecksum(runId, s.synapse, structure, data));
    }
  });
}

/**
 * The final state run `runId` kept of its plastic synapses (none: an empty list). The run
 * must exist; a row that does not match its checksum is refused, naming run and synapse.
 */
export function loadConnectionStates(lab: Lab, runId: number): StoredConnectionState[] {
  lab.runs.get(runId); // a LabError naming the run if there is none
  const rows = lab.guard(`reading the final weights of run ${runId}`, () =>
    lab.db.prepare('SELECT synapse, structure, data, checksum FROM connection_states WHERE run_id = ? ORDER BY rowid').all(runId) as
      Array<{ synapse: string; structure: string; data: Buffer; checksum: number }>);
  return rows.map((r) => {
    if (r.checksum !== connectionStateChecksum(runId, r.synapse, r.structure, r.data)) {
      throw new DamagedDataError(`${lab.file}: run ${runId}: the final state of synapse ${JSON.stringify(r.synapse)} is damaged (it does not match its checksum)`, lab.file);
    }
    const structure = JSON.parse(r.structure) as ConnectionStructure;
    if (r.data.byteLength !== structure.connections * finalStateBytesPerConnection(structure.states.length)) {
      throw new LabError(`${lab.file}: run ${runId}: the final state of synapse ${JSON.stringify(r.synapse)} has ${r.data.byteLength} bytes, not the ${structure.connections} connections its structure says`, lab.file);
    }
    return unpack(r.synapse, structure, r.data);
  });
}

/** Whether run `runId` kept a final state of its plastic synapses. */
export function hasConnectionStates(lab: Lab, runId: number): boolean {
  return lab.guard(`reading the final weights of run ${runId}`, () =>
    lab.db.prepare('SELECT 1 FROM connection_states WHERE run_id = ? LIMIT 1').get(runId) !== undefined);
}

/**
 * The final state of a run's plastic synapses in the lab (table connection_states, schema
 * 6), for runs that continue from it (src-main/compiler/continue-from.ts). Per synapse, the
 * BLOB holds the f64 weights, each per-connection state (f64, in the structure's order) and
 * the Int32 step of each connection's last event, connection by connection in the rows'
 * order, in parts of at most PART_BYTES; each row's structure and bytes are covered by a
 * CRC-32, checked on every read.
 */
import zlib from 'node:zlib';
import type { ConnectionStructure, StoredConnectionState } from '../compiler/continue-from.js';
import { DamagedDataError } from './checksums.js';
import { LabError } from './errors.js';
import type { Lab } from './lab.js';

/** Most bytes of one row (SQLite refuses values over 1 GB; smaller parts also bound what one statement binds). */
export const PART_BYTES = 64 * 2 ** 20;

/** Bytes a connection's final state takes: f64 weight, f64 per state, Int32 last event. */
export function finalStateBytesPerConnection(states: number): number {
  return 8 + 8 * states + 4;
}

/** Checksum of one stored row: run, synapse, part, structure and bytes. */
export function connectionStateChecksum(runId: number, synapse: string, part: number, structure: string, data: Uint8Array): number {
  return zlib.crc32(data, zlib.crc32(`${runId}\u0000${synapse}\u0000${part}\u0000${structure}`));
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
  // Aligned for the typed views: a fresh array (loadConnectionStates assembles the parts into one).
  const bytes = data.byteOffset % 8 === 0 ? data : Uint8Array.from(data);
  let at = 0;
  const f64 = () => { const a = new Float64Array(bytes.buffer, at, n); at += 8 * n; return a; };
  const w = f64();
  const states = Object.fromEntries(structure.states.map((name) => [name, f64()]));
  const last = new Int32Array(bytes.buffer, at, n);
  return { synapse, structure, w, states, last };
}

/** Stores the final state of each plastic synapse of run `runId` (one write transaction), in parts of `partBytes`. */
export function saveConnectionStates(lab: Lab, runId: number, states: StoredConnectionState[], partBytes = PART_BYTES): void {
  if (states.length === 0) return;
  lab.write(`keeping the final weights of run ${runId}`, () => {
    const insert = lab.db.prepare('INSERT OR REPLACE INTO connection_states (run_id, synapse, part, structure, data, checksum) VALUES (?, ?, ?, ?, ?, ?)');
    for (const s of states) {
      const structure = JSON.stringify(s.structure);
      const data = pack(s);
      for (let part = 0; part === 0 || part * partBytes < data.byteLength; part++) {
        const bytes = Buffer.from(data.buffer, data.byteOffset + part * partBytes, Math.min(partBytes, data.byteLength - part * partBytes));
        insert.run(runId, s.synapse, part, structure, bytes, connectionStateChecksum(runId, s.synapse, part, structure, bytes));
      }
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
    lab.db.prepare('SELECT synapse, part, structure, data, checksum FROM connection_states WHERE run_id = ? ORDER BY rowid').all(runId) as
      Array<{ synapse: string; part: number; structure: string; data: Buffer; checksum: number }>);
  const bySynapse = new Map<string, typeof rows>();
  for (const r of rows) bySynapse.set(r.synapse, [...(bySynapse.get(r.synapse) ?? []), r]);
  return [...bySynapse].map(([synapse, parts]) => {
    const where = `${lab.file}: run ${runId}: the final state of synapse ${JSON.stringify(synapse)}`;
    parts.sort((a, b) => a.part - b.part);
    for (const r of parts) {
      if (r.checksum !== connectionStateChecksum(runId, synapse, r.part, r.structure, r.data)) {
        throw new DamagedDataError(`${where} is damaged (it does not match its checksum)`, lab.file);
      }
    }
    const structure = JSON.parse(parts[0]!.structure) as ConnectionStructure;
    const bytes = structure.connections * finalStateBytesPerConnection(structure.states.length);
    const stored = parts.reduce((n, r) => n + r.data.byteLength, 0);
    if (stored !== bytes || parts.some((r, k) => r.part !== k || r.structure !== parts[0]!.structure)) {
      throw new LabError(`${where} is incomplete: ${stored} bytes in ${parts.length} part(s), not the ${bytes} its ${structure.connections} connections need`, lab.file);
    }
    const data = new Uint8Array(bytes);
    let at = 0;
    for (const r of parts) { data.set(r.data, at); at += r.data.byteLength; }
    return unpack(synapse, structure, data);
  });
}

/** Whether run `runId` kept a final state of its plastic synapses. */
export function hasConnectionStates(lab: Lab, runId: number): boolean {
  return lab.guard(`reading the final weights of run ${runId}`, () =>
    lab.db.prepare('SELECT 1 FROM connection_states WHERE run_id = ? LIMIT 1').get(runId) !== undefined);
}

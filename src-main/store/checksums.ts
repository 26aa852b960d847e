/**
 * The checksums stored with recording chunks and saved documents (lab schema 4), and the
 * error that reports a mismatch. CRC-32 (zlib's, native) is enough: it guards against
 * accidental damage on disk, not against someone forging a lab, and costs about a
 * millisecond per MiB read.
 */
import zlib from 'node:zlib';
import { LabError } from './errors.js';

/** Checksum of one chunk row: where it belongs (run, probe, index range, rows) and its bytes. */
export function chunkChecksum(runId: number, probe: string, first: number, last: number, count: number, data: Uint8Array): number {
  return zlib.crc32(data, zlib.crc32(`${runId}\u0000${probe}\u0000${first}\u0000${last}\u0000${count}`));
}

/** Checksum of a saved document's stored JSON text. */
export function documentChecksum(text: string): number {
  return zlib.crc32(text);
}

/** Where damaged recording data lies, in the user's terms. */
export interface DamagedRange {
  runId: number;
  probe: string;
  /** Time range the damaged chunk covers, ms. */
  fromMs: number;
  toMs: number;
}

/** "run 3, probe "v", t = 10 to 20 ms". */
export function describeRange(range: DamagedRange): string {
  const ms = (x: number) => Number(x.toPrecision(12));
  return `run ${range.runId}, probe ${JSON.stringify(range.probe)}, t = ${ms(range.fromMs)} to ${ms(range.toMs)} ms`;
}

/** Stored data that no longer matches its checksum. */
export class DamagedDataError extends LabError {
  constructor(
    message: string,
    file: string,
    readonly range?: DamagedRange,
  ) {
    super(message, file, { code: 'SPIKEFLOW_DAMAGED' });
    this.name = 'DamagedDataError';
  }
}

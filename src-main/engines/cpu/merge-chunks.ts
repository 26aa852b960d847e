/**
 * Merges the recordings of a threaded run's workers (partition.ts) into what one thread
 * would have produced: a state probe's channels come from the workers that own their
 * neurons (a weight probe's, the connections' targets), each worker sending its channels in
 * probe order; spikes and rates come from
 * worker 0 alone. Chunks are numbered per worker and merged when every worker has sent one.
 */
import type { Plan } from '../../compiler/plan.js';
import type { RecordingChunk } from '../types.js';
import { ownedProbePositions } from './partition.js';

type StateChunk = Extract<RecordingChunk, { kind: 'state' }>;

export class ChunkMerger {
  /** positions[probe][w]: the probe's channel indices that worker w records, in order. */
  private readonly positions: Map<string, number[][]>;
  private readonly pending = new Map<number, RecordingChunk[][]>();
  private next = 0;

  constructor(private readonly plan: Plan, private readonly workers: number) {
    this.positions = new Map();
    for (const p of plan.probes) {
      if (p.kind !== 'state') continue;
      this.positions.set(p.id, Array.from({ length: workers }, (_, worker) => ownedProbePositions(plan, p, { worker, workers })));
    }
  }

  /** Takes worker w's chunk `seq`; returns the merged chunks now complete, in order. */
  add(worker: number, seq: number, chunks: RecordingChunk[]): RecordingChunk[] {
    let slot = this.pending.get(seq);
    if (!slot) this.pending.set(seq, (slot = []));
    slot[worker] = chunks;
    const out: RecordingChunk[] = [];
    for (;;) {
      const ready = this.pending.get(this.next);
      if (!ready || ready.filter(Boolean).length < this.workers) break;
      this.pending.delete(this.next++);
      out.push(...this.merge(ready));
    }
    return out;
  }

  private merge(perWorker: RecordingChunk[][]): RecordingChunk[] {
    const out: RecordingChunk[] = [];
    for (const p of this.plan.probes) {
      if (p.kind !== 'state') {
        const c = perWorker[0]!.find((x) => x.probe === p.id);
        if (c) out.push(c);
        continue;
      }
      const parts = perWorker.map((list) => list.find((x) => x.probe === p.id) as StateChunk | undefined);
      const any = parts.find(Boolean);
      if (!any) continue;
      const channels = p.neurons.length;
      const samples = any.values.length / any.channels;
      const values = new Float32Array(samples * channels);
      const positions = this.positions.get(p.id)!;
      parts.forEach((c, w) => {
        if (!c) return;
        const pos = positions[w]!;
        for (let r = 0; r < samples; r++) {
          for (let m = 0; m < pos.length; m++) values[r * channels + pos[m]!] = c.values[r * c.channels + m]!;
        }
      });
      out.push({ probe: p.id, kind: 'state', firstSample: any.firstSample, channels, values });
    }
    return out;
  }
}

/**
 * Synthetic lab content shared by the tests and the child processes they spawn (so no
 * vitest import here): a valid project document, probe layouts, and a deterministic signal
 * with awkward values (negative, tiny, huge, zero, infinities) so round trips are checked
 * where they break.
 */
import path from 'node:path';
import type { ProbeLayout } from '../../src-main/recordings/csv-format.js';
import type { Lab } from '../../src-main/store/lab.js';
import type { RecordingWriter } from '../../src-main/store/recordings.js';

/** A small valid project (Poisson input → exponential synapse → LIF, with three probes). */
export function sampleDocument(name = 'ampa-lif') {
  return {
    format: 'spikeflow-project' as const,
    version: 2 as const,
    name,
    description: 'five Poisson sources drive four LIF neurons',
    run: { dt: '0.1 ms', duration: '20 ms', seed: 7 },
    blocks: [
      { id: 'src', type: 'poisson', size: 5, params: { rate: '200 Hz' }, init: {} },
      { id: 'syn', type: 'exponential', params: {}, init: {}, connection: { rule: 'all-to-all' as const, weight: 0.5, delay: 0, selfConnections: true } },
      { id: 'n', type: 'lif', size: 4, params: { tau: '10 ms' }, init: {}, position: { x: 10, y: 20 } },
      { id: 'v', type: 'state-probe', params: { state: 'V', neurons: 'all' }, init: {} },
      { id: 'sp', type: 'spike-probe', params: { neurons: 'all' }, init: {} },
      { id: 'r', type: 'rate-probe', params: { bin: '1 ms' }, init: {} },
    ],
    edges: [
      { from: 'src.spikes', to: 'syn.pre' },
      { from: 'syn.post', to: 'n.I' },
      { from: 'n.V', to: 'v.target' },
      { from: 'n.spikes', to: 'sp.spikes' },
      { from: 'n.spikes', to: 'r.spikes' },
    ],
  };
}

/** Probe layouts with a neuron subset and a sampling interval, so column mapping is tested. */
export const LAYOUTS: ProbeLayout[] = [
  { id: 'v', kind: 'state', block: 'n', state: 'V', unit: 'mV', neurons: [0, 2, 5], every: 2 },
  { id: 'sp', kind: 'spikes', block: 'n' },
  { id: 'r', kind: 'rate', block: 'n', binSteps: 10 },
];

/** Value (an f32) of state sample `s`, column `c`: smooth, with special values sprinkled in. */
export function stateValue(s: number, c: number): number {
  const k = (s * 7 + c * 13) % 997;
  if (k === 0) return 0;
  if (k === 1) return Math.fround(-1.5e-7);
  if (k === 2) return Math.fround(3.4e30);
  if (k === 3) return Math.fround(1 / 3);
  if (k === 4) return -Infinity;
  return Math.fround(-65 + 15 * Math.sin(s * 0.013 + c) + c * 1e-3);
}

/** Spikes of step `step`: neuron (step·3) mod 7 on every third step. */
export function spikesAt(step: number): number[] {
  return step % 3 === 0 ? [(step * 3) % 7] : [];
}

/** Rate of bin `b`, Hz. */
export function rateValue(b: number): number {
  return Math.fround(12.5 + 10 * Math.cos(b * 0.1));
}

/**
 * Streams `samples` state samples (and the spikes and rate bins of the same stretch of
 * time) into a writer, `chunkSamples` at a time, as an engine would.
 */
export function streamSynthetic(writer: RecordingWriter, samples: number, chunkSamples = 250, firstSample = 0): void {
  const layout = LAYOUTS[0] as Extract<ProbeLayout, { kind: 'state' }>;
  const width = layout.neurons.length;
  for (let s0 = firstSample; s0 < firstSample + samples; s0 += chunkSamples) {
    const n = Math.min(chunkSamples, firstSample + samples - s0);
    const values = new Float32Array(n * width);
    for (let s = 0; s < n; s++) for (let c = 0; c < width; c++) values[s * width + c] = stateValue(s0 + s, c);
    writer.write({ probe: 'v', kind: 'state', firstSample: s0, channels: width, values });
    const steps: number[] = [];
    const neurons: number[] = [];
    for (let step = s0 * layout.every; step < (s0 + n) * layout.every; step++) {
      for (const neuron of spikesAt(step)) {
        steps.push(step);
        neurons.push(neuron);
      }
    }
    writer.write({ probe: 'sp', kind: 'spikes', steps: Int32Array.from(steps), neurons: Int32Array.from(neurons) });
    // Rate bins of 10 steps = 5 samples: the bins this stretch of time completes.
    const b0 = Math.floor(s0 / 5);
    const b1 = Math.floor((s0 + n) / 5);
    if (b1 > b0) writer.write({ probe: 'r', kind: 'rate', firstBin: b0, values: Float32Array.from({ length: b1 - b0 }, (_, i) => rateValue(b0 + i)) });
  }
}

/** Creates project "P" (if absent) and a run recording LAYOUTS; returns the run id. */
export function startSyntheticRun(lab: Lab, engine = 'synthetic'): number {
  const project = lab.projects.find('P') ?? lab.projects.create('P', sampleDocument('P')).project;
  const { version } = lab.projects.open(project.id);
  return lab.runs.start({ versionId: version.id, engine, seed: 1, dt: 0.1, steps: 100_000, settings: { duration: '10 s' }, probes: LAYOUTS }).id;
}

/** Path of the child-process script used by the crash and concurrency tests. */
export const CHILD_SCRIPT = path.join(import.meta.dirname, 'fixtures', 'lab-child.ts');

/** Small builders for project documents in tests. */
import { parseDocument } from '../../src-shared/document/load.js';
import type { ProjectDocument } from '../../src-shared/document/schema.js';
import { compile, type RunOverrides } from '../../src-main/compiler/compile.js';
import type { Plan } from '../../src-main/compiler/plan.js';
import { Simulation } from '../../src-main/engines/cpu/simulation.js';
import type { RecordingChunk } from '../../src-main/engines/types.js';

export interface BlockSpec {
  id: string;
  type: string;
  size?: number;
  params?: Record<string, unknown>;
  init?: Record<string, unknown>;
  connection?: Record<string, unknown>;
}

/** A validated document from blocks and "a.port->b.port" edges. */
export function makeDoc(blocks: BlockSpec[], edges: string[], run: { dt?: string; duration?: string; seed?: number } = {}): ProjectDocument {
  return parseDocument({
    format: 'spikeflow-project',
    version: 2,
    name: 'test',
    run: { dt: run.dt ?? '0.1 ms', duration: run.duration ?? '10 ms', seed: run.seed ?? 1 },
    blocks,
    edges: edges.map((e) => {
      const [from, to] = e.split('->') as [string, string];
      return { from: from.trim(), to: to.trim() };
    }),
  });
}

export interface RunOutput {
  plan: Plan;
  sim: Simulation;
  /** State probe traces: probe id → samples × channels as arrays per channel. */
  traces: Map<string, number[][]>;
  /** Spike probe: probe id → [step, neuron] pairs. */
  spikes: Map<string, Array<[number, number]>>;
  rates: Map<string, number[]>;
}

/** Compiles and runs a document to the end on the CPU engine, in-thread. */
export function runDoc(doc: ProjectDocument, overrides: RunOverrides = {}): RunOutput {
  const plan = compile(doc, overrides);
  const sim = new Simulation(plan);
  sim.advance(plan.steps);
  return collect(plan, sim, sim.drain());
}

/** Recordings of a run, regrouped by probe. */
export interface Recordings {
  traces: Map<string, number[][]>;
  spikes: Map<string, Array<[number, number]>>;
  rates: Map<string, number[]>;
}

/** Regroups streamed chunks by probe: traces per channel, spikes as [step, neuron], rate bins. */
export function collectChunks(chunks: RecordingChunk[]): Recordings {
  const traces = new Map<string, number[][]>();
  const spikes = new Map<string, Array<[number, number]>>();
  const rates = new Map<string, number[]>();
  for (const c of chunks) {
    if (c.kind === 'state') {
      const t = traces.get(c.probe) ?? Array.from({ length: c.channels }, () => [] as number[]);
      for (let s = 0; s < c.values.length / c.channels; s++) for (let ch = 0; ch < c.channels; ch++) t[ch]!.push(c.values[s * c.channels + ch]!);
      traces.set(c.probe, t);
    } else if (c.kind === 'spikes') {
      const list = spikes.get(c.probe) ?? [];
      for (let k = 0; k < c.steps.length; k++) list.push([c.steps[k]!, c.neurons[k]!]);
      spikes.set(c.probe, list);
    } else {
      rates.set(c.probe, [...(rates.get(c.probe) ?? []), ...c.values]);
    }
  }
  return { traces, spikes, rates };
}

export function collect(plan: Plan, sim: Simulation, chunks: RecordingChunk[]): RunOutput {
  return { plan, sim, ...collectChunks(chunks) };
}

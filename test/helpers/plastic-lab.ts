/**
 * A small plastic network run on the CPU engine into a real lab file (and, alongside, the
 * CLI's CSV folder): 6 inputs onto 3 cells through an STDP synapse with a weight-snapshots
 * probe every `interval`, the cells kicked to fire so that weights move both ways.
 */
import { compile } from '../../src-main/compiler/compile.js';
import type { Plan } from '../../src-main/compiler/plan.js';
import { Simulation } from '../../src-main/engines/cpu/simulation.js';
import { plasticArrayName } from '../../src-main/engines/cpu/plasticity-code.js';
import { CsvFolderSink } from '../../src-main/recordings/csv-writer.js';
import { openLab, type Lab } from '../../src-main/store/lab.js';
import { recordRun } from '../../src-main/store/run-recorder.js';
import { collectChunks, makeDoc } from './doc.js';

export interface PlasticLabRun {
  lab: Lab;
  runId: number;
  plan: Plan;
  /** Snapshots per connection, as the engine handed them over (f32). */
  snapshots: number[][];
  /** The engine's weights at the end (f64). */
  finalWeights: Float64Array;
}

export function plasticDocument(interval = '10 ms', duration = '80 ms') {
  const spikes = Array.from({ length: 6 }, (_, i) => [[i, `${3 + 7 * i} ms`], [i, `${40 + 5 * i} ms`]]).flat();
  return makeDoc([
    { id: 'pre', type: 'spike-times', size: 6, params: { spikes } },
    { id: 'syn', type: 'stdp', connection: { rule: 'fixed-probability', p: 0.7, weight: { dist: 'uniform', low: '0.001 uS', high: '0.009 uS' } } },
    { id: 'drive', type: 'spike-times', size: 1, params: { spikes: [[0, '20 ms'], [0, '38 ms'], [0, '60 ms']] } },
    { id: 'kick', type: 'delta', connection: { rule: 'all-to-all', weight: '30 mV' } },
    { id: 'cell', type: 'lif', size: 3, params: { tau_ref: '1 ms' } },
    { id: 'snaps', type: 'weight-snapshots', params: { interval } },
  ], ['pre.spikes -> syn.pre', 'syn.post -> cell.I', 'drive.spikes -> kick.pre', 'kick.post -> cell.J', 'syn.post -> snaps.target'], { duration });
}

/** Runs plasticDocument into a new lab at `labPath` (and CSV files into `csvDir`, if given). */
export function runPlasticIntoLab(labPath: string, csvDir?: string, interval?: string): PlasticLabRun {
  const doc = plasticDocument(interval);
  const plan = compile(doc);
  const lab = openLab(labPath);
  const recording = recordRun(lab, { project: 'plastic', document: doc, plan, engine: 'cpu', settings: {}, writer: { chunkBytes: 200 } });
  const folder = csvDir ? new CsvFolderSink(plan, csvDir) : null;
  const sim = new Simulation(plan);
  const chunks = [];
  // Several drains: the recording arrives in several chunks, as from a real run.
  for (let done = 0; done < plan.steps; done += 170) {
    sim.advance(170);
    for (const c of sim.drain()) {
      recording.sink.write(c);
      folder?.write(c);
      chunks.push(c);
    }
  }
  folder?.close();
  recording.finish({ status: 'finished', stepsDone: plan.steps, wallMs: 1, engine: 'cpu', populations: [] });
  const k = plan.projections.findIndex((p) => p.synapse === 'syn');
  return {
    lab, runId: recording.runId, plan,
    snapshots: collectChunks(chunks).traces.get('snaps')!,
    finalWeights: sim.arrays[plasticArrayName.weight(k)] as Float64Array,
  };
}

/**
 * "Continue from run #N" (src-main/compiler/continue-from.ts) on the CPU engine: a run that
 * starts its plastic synapse from the final state of a first run ends with exactly the
 * weights, traces and last-event steps of one run as long as both together, where the
 * spikes are the same (spike-times sources: the presynaptic spikes are given, the
 * postsynaptic cells fire in the steps of a drive, far above what the plastic weights add).
 * Connections that differ are refused by name, and the plan is then left as it was.
 */
import { describe, expect, it } from 'vitest';
import { checkModel, compile } from '../../src-main/compiler/compile.js';
import { connectionStructure, continueFrom, ContinueFromError, type StoredConnectionState } from '../../src-main/compiler/continue-from.js';
import type { Plan } from '../../src-main/compiler/plan.js';
import { Simulation } from '../../src-main/engines/cpu/simulation.js';
import { finalConnectionStates } from '../../src-main/engines/cpu/plasticity-arrays.js';
import { runLoop } from '../../src-main/engines/cpu/run-loop.js';
import type { RecordingChunk } from '../../src-main/engines/types.js';
import { makeDoc } from '../helpers/doc.js';

const DT = 0.1;
const ms = (step: number) => `${(step * DT).toFixed(1)} ms`;
/** Presynaptic spikes (step lists per neuron) and the cells' drive, none in steps 400…600. */
const PRE = [[30, 212, 640, 655, 980], [95, 110, 700, 905], [5, 350, 615, 990], [250, 260, 270, 810], [120, 860]];
const DRIVE = [[100, 240, 380, 620, 720, 950], [50, 215, 390, 660, 905]];

interface NetOptions { from?: number; to?: number; cells?: number; type?: string; rule?: Record<string, unknown>; seed?: number }

/** The network with the spikes of steps [from, to), shifted to start at step 0. */
function net(o: NetOptions = {}) {
  const [from, to, cells] = [o.from ?? 0, o.to ?? 1000, o.cells ?? 2];
  const keep = (steps: number[], n: number) => steps.filter((s) => s >= from && s < to).map((s) => [n, ms(s - from)]);
  const params = o.type === 'triplet-stdp' ? {} : { A_pre: 0.2, A_post: -0.21 };
  return makeDoc([
    { id: 'pre', type: 'spike-times', size: PRE.length, params: { spikes: PRE.flatMap(keep) } },
    { id: 'stdp', type: o.type ?? 'stdp', params, connection: { ...(o.rule ?? { rule: 'all-to-all' }), weight: { dist: 'uniform', low: '0 uS', high: '0.01 uS' }, delay: '0 ms' } },
    { id: 'drive', type: 'spike-times', size: cells, params: { spikes: DRIVE.slice(0, cells).flatMap(keep) } },
    { id: 'kick', type: 'delta', connection: { rule: 'one-to-one', weight: '30 mV' } },
    { id: 'cell', type: 'lif', size: cells, params: { tau_ref: '1 ms' } },
    { id: 'sp', type: 'spike-probe' },
  ], ['pre.spikes -> stdp.pre', 'stdp.post -> cell.I', 'drive.spikes -> kick.pre', 'kick.post -> cell.J', 'cell.spikes -> sp.spikes'],
  { duration: ms(to - from), seed: o.seed ?? 3 });
}

/** Runs a plan on the CPU engine in this thread: its cells' spikes and the final state as the lab keeps it. */
function run(plan: Plan) {
  const sim = new Simulation(plan);
  const spikes: number[] = [];
  const emit = (chunks: RecordingChunk[]) => { for (const c of chunks) if (c.kind === 'spikes') spikes.push(...c.steps); };
  const result = runLoop(sim, { emit, progress() {}, shouldStop: () => false });
  const stored: StoredConnectionState[] = (result.connectionStates ?? []).map((c) => ({
    ...c, structure: connectionStructure(plan, plan.projections.find((p) => p.synapse === c.synapse)!),
  }));
  return { spikes, stored };
}

describe('continue from a run', () => {
  it('2 × 50 ms, the second continuing the first, ends with the weights, traces and last events of one 100 ms run', () => {
    const whole = run(compile(net()));
    const first = run(compile(net({ to: 500 })));
    // Another seed: the initial weights it draws are replaced by the first run's final ones.
    const second = compile(net({ from: 500, seed: 99 }));
    continueFrom(second, 12, first.stored);
    expect(second.projections[0]!.plasticity!.start!.fromRun).toBe(12);
    const rest = run(second);

    // The same postsynaptic spikes, so the same learning.
    expect([...first.spikes, ...rest.spikes.map((s) => s + 500)]).toEqual(whole.spikes);
    expect(whole.spikes.length).toBe(11);
    const [a, b] = [rest.stored[0]!, whole.stored[0]!];
    expect(Array.from(a.w)).toEqual(Array.from(b.w));
    expect(Array.from(a.states.a_pre!)).toEqual(Array.from(b.states.a_pre!));
    expect(Array.from(a.states.a_post!)).toEqual(Array.from(b.states.a_post!));
    expect(Array.from(a.last)).toEqual(Array.from(b.last));
    // Learning happened, and not only in the first half.
    expect(Array.from(first.stored[0]!.w)).not.toEqual(Array.from(b.w));
    expect(Array.from(compile(net()).projections[0]!.byPre.w, (x) => x)).not.toEqual(Array.from(b.w));
  });

  it('the weight probe of a continued run starts at the earlier run\'s final weights', () => {
    const first = run(compile(net({ to: 500 })));
    const doc = net({ from: 500 });
    doc.blocks.push({ id: 'wp', type: 'state-probe', params: { state: 'w', neurons: [0, 3, 9] } } as never);
    doc.edges.push({ from: 'stdp.post', to: 'wp.target' } as never);
    const plan = compile(doc);
    continueFrom(plan, 1, first.stored);
    const sim = new Simulation(plan);
    const sample0 = sim.drain().find((c) => c.kind === 'state' && c.probe === 'wp');
    expect(sample0 && sample0.kind === 'state' ? Array.from(sample0.values) : null)
      .toEqual([0, 3, 9].map((c) => Math.fround(first.stored[0]!.w[c]!)));
  });

  const first = () => run(compile(net({ to: 500 }))).stored;
  const refusal = (plan: Plan, stored: StoredConnectionState[]) => {
    try {
      continueFrom(plan, 7, stored);
    } catch (e) {
      expect(e).toBeInstanceOf(ContinueFromError);
      expect(plan.projections.every((p) => !p.plasticity?.start)).toBe(true); // the plan is untouched
      return (e as Error).message;
    }
    throw new Error('not refused');
  };

  it('refuses other sizes, naming the synapse', () => {
    expect(refusal(compile(net({ from: 500, cells: 1 })), first()))
      .toBe('cannot continue from run 7: synapse "stdp" connects 5 to 2 neurons in run 7, 5 to 1 here');
  });

  it('refuses connections drawn with another seed (same sizes and count, other pairs)', () => {
    const rule = { rule: 'fixed-indegree', indegree: 3 };
    const stored = run(compile(net({ to: 500, rule, seed: 3 }))).stored;
    expect(refusal(compile(net({ from: 500, rule, seed: 4 })), stored))
      .toBe('cannot continue from run 7: synapse "stdp" connects other pairs of neurons than in run 7 (the same sizes, another connection rule or seed)');
    // The same seed draws the same pairs: accepted.
    const plan = compile(net({ from: 500, rule, seed: 3 }));
    continueFrom(plan, 7, stored);
    expect(plan.projections[0]!.plasticity!.start).toBeDefined();
  });

  it('refuses another plastic synapse type, a run without final state and a model without plastic synapses', () => {
    expect(refusal(compile(net({ from: 500, type: 'triplet-stdp' })), first()))
      .toBe('cannot continue from run 7: synapse "stdp" is of type "stdp" in run 7, "triplet-stdp" here');
    expect(refusal(compile(net({ from: 500 })), []))
      .toMatch(/^cannot continue from run 7: it kept no final state of plastic synapses/);
    const plain = compile(makeDoc([{ id: 'cell', type: 'lif', size: 2 }], []));
    expect(refusal(plain, first())).toBe('cannot continue from run 7: this model has no plastic synapse to start from its weights');
  });

  it('counts the final state in the memory estimate: weight, traces and last event per connection', () => {
    const consumer = checkModel(net()).estimate.consumers.find((c) => c.block === 'stdp' && c.what.startsWith('final state'));
    expect(consumer).toEqual({ block: 'stdp', what: 'final state of 10 connections × 28 B', bytes: 280 });
  });
});

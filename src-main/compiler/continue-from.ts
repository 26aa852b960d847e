/**
 * "Continue from run #N": a run whose plastic synapses start from the connections' state at
 * the end of an earlier run (src-main/engines/connection-state.ts) instead of the plan's
 * weights. The state is per connection, aligned with the rows by presynaptic neuron, so it
 * only means something for the very same connections: each plastic synapse's wiring is
 * described (`connectionStructure`: block type, endpoints, sizes, per-connection states and
 * a hash of the rows) and stored with the state, and a run whose connections differ in any
 * of these is refused, naming the synapse and what differs.
 */
import { createHash } from 'node:crypto';
import type { ConnectionState } from '../engines/connection-state.js';
import type { Plan, PlanProjection } from './plan.js';

/** What must match for a plastic synapse's stored state to apply to another run's connections. */
export interface ConnectionStructure {
  type: string;
  pre: string;
  post: string;
  nPre: number;
  nPost: number;
  connections: number;
  /** Per-connection states, in the order the engines keep them. */
  states: string[];
  /** SHA-256 of the rows by presynaptic neuron (offsets and targets): which pairs are connected, in which order. */
  wiring: string;
}

/** A stored final state with the structure of the run that left it. */
export interface StoredConnectionState extends ConnectionState {
  structure: ConnectionStructure;
}

/** A continuation that cannot apply; the message names the run and the synapse. */
export class ContinueFromError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ContinueFromError';
  }
}

/** The structure of plastic projection `p` of `plan`. */
export function connectionStructure(plan: Plan, p: PlanProjection): ConnectionStructure {
  const hash = createHash('sha256');
  hash.update(new Uint8Array(p.byPre.ptr.buffer, p.byPre.ptr.byteOffset, p.byPre.ptr.byteLength));
  hash.update(new Uint8Array(p.byPre.idx.buffer, p.byPre.idx.byteOffset, p.byPre.idx.byteLength));
  return {
    type: plan.blocks.find((b) => b.id === p.synapse)?.type ?? '?',
    pre: p.pre,
    post: p.post,
    nPre: p.nPre,
    nPost: p.nPost,
    connections: p.byPre.idx.length,
    states: (p.plasticity?.states ?? []).map((s) => s.name),
    wiring: hash.digest('hex'),
  };
}

/** How `had` (run `runId`'s) differs from `has` (this run's), in words; null when they match. */
function difference(runId: number, synapse: string, had: ConnectionStructure, has: ConnectionStructure): string | null {
  const name = JSON.stringify(synapse);
  if (had.type !== has.type) return `synapse ${name} is of type "${had.type}" in run ${runId}, "${has.type}" here`;
  if (had.pre !== has.pre || had.post !== has.post) {
    return `synapse ${name} connects "${had.pre}" to "${had.post}" in run ${runId}, "${has.pre}" to "${has.post}" here`;
  }
  if (had.nPre !== has.nPre || had.nPost !== has.nPost) {
    return `synapse ${name} connects ${had.nPre} to ${had.nPost} neurons in run ${runId}, ${has.nPre} to ${has.nPost} here`;
  }
  if (had.connections !== has.connections) {
    return `synapse ${name} has ${had.connections} connections in run ${runId}, ${has.connections} here (another connection rule or seed)`;
  }
  if (had.states.join() !== has.states.join()) {
    return `synapse ${name} keeps the states [${had.states.join(', ')}] per connection in run ${runId}, [${has.states.join(', ')}] here`;
  }
  if (had.wiring !== has.wiring) {
    return `synapse ${name} connects other pairs of neurons than in run ${runId} (the same sizes, another connection rule or seed)`;
  }
  return null;
}

/**
 * Sets every plastic synapse of `plan` to start from run `runId`'s final state (`stored`).
 * Refused, naming the synapse, when the run kept no state, when a plastic synapse of either
 * run has no counterpart in the other, or when its connections differ.
 */
export function continueFrom(plan: Plan, runId: number, stored: StoredConnectionState[]): void {
  const prefix = `cannot continue from run ${runId}`;
  const plastic = plan.projections.filter((p) => p.plasticity);
  if (stored.length === 0) {
    throw new ContinueFromError(`${prefix}: it kept no final state of plastic synapses (a run keeps one when its model has plastic synapses and it finished or was stopped)`);
  }
  if (plastic.length === 0) throw new ContinueFromError(`${prefix}: this model has no plastic synapse to start from its weights`);
  const bySynapse = new Map(stored.map((s) => [s.synapse, s]));
  for (const s of stored) {
    if (!plastic.some((p) => p.synapse === s.synapse)) {
      throw new ContinueFromError(`${prefix}: its plastic synapse ${JSON.stringify(s.synapse)} is not a plastic synapse of this model`);
    }
  }
  const starts = plastic.map((p) => {
    const s = bySynapse.get(p.synapse);
    if (!s) throw new ContinueFromError(`${prefix}: synapse ${JSON.stringify(p.synapse)} is plastic here but not in run ${runId}`);
    const problem = difference(runId, p.synapse, s.structure, connectionStructure(plan, p));
    if (problem) throw new ContinueFromError(`${prefix}: ${problem}`);
    return { p, start: { w: s.w, states: s.states, last: s.last, fromRun: runId } };
  });
  // Only once every synapse matched: a refusal leaves the plan as it was.
  for (const { p, start } of starts) p.plasticity!.start = start;
}

/**
 * The plan: what the compiler hands to an engine. Engine-neutral and serialisable
 * (typed arrays and plain data), so it can be printed by `--explain`, tested on its own and
 * sent to a worker thread. Everything random (connectivity, weights, initial values) has
 * already been drawn; engines only step.
 */
import type { Expr, Statement } from '../../src-shared/expr/ast.js';
import type { BlockCategory, BlockTemplate } from '../../kernels/types.js';
import type { Diagnostic } from './diagnostics.js';
import type { PlanPlasticity } from './plasticity.js';

export interface PlanState {
  name: string;
  /** Display unit, resolved for the block's variant. */
  unit: string;
  init: Float64Array;
}

/** Where an element-wise block reads its spike or voltage input. */
export type PlanInput =
  | { kind: 'spikes'; from: string; lag: number }
  | { kind: 'voltage'; from: string; state: string };

export interface PlanBlock {
  id: string;
  type: string;
  category: Exclude<BlockCategory, 'probe'>;
  template: Exclude<BlockTemplate, 'probe'>;
  /** Index of the block in the document: keys its random stream. */
  index: number;
  /**
   * Elements of the update loop: neurons; state owners of a synapse; 1 for a current source,
   * or the size of its targets for a per-target one (BlockDef.perTarget).
   */
  size: number;
  /** Quantity parameters in internal units (those that are one value for all elements). */
  params: Record<string, number>;
  /**
   * Parameters that vary per element (neurons of a population): one value per element, in
   * internal units. Absent from `params`; engines read them through element-constants.ts.
   */
  varying?: Record<string, Float64Array>;
  variant?: string;
  states: PlanState[];
  /** Checked update code, helper functions inlined; parameters are still names. */
  code: Statement[];
  /** Whether the block emits spikes (assigns `spike`). */
  spiking: boolean;
  /** Neurons: whether any current flows in (otherwise I is 0). */
  receivesCurrent: boolean;
  /**
   * Neurons: whether voltage jumps flow in (delta synapses, Poisson drive into input J);
   * only then does `code` start with the block's jump statements (BlockDef.onJump).
   */
  receivesJumps?: boolean;
  /** Current sources: one element per target neuron (BlockDef.perTarget). */
  perTarget?: boolean;
  /** Neurons: the state read as membrane potential. */
  voltage?: string;
  /** Blocks compiled from equations: the integration scheme, for --explain. */
  integration?: string;
  /** Synapses reading presynaptic spikes or voltage (state per presynaptic neuron). */
  input?: PlanInput;
  /** spike-times: (step, neuron) pairs sorted by step. */
  schedule?: { steps: Int32Array; neurons: Int32Array };
  /** step-current: amplitude `values[k]` from step `steps[k]` on. */
  piecewise?: { steps: Int32Array; values: Float64Array };
}

/** Connections of one synapse block in compressed sparse rows. */
export interface Csr {
  /** Row start offsets, length rows + 1. */
  ptr: Int32Array;
  /** Column index of each connection. */
  idx: Int32Array;
  /** Weight of each connection, in the synapse's weight unit. */
  w: Float32Array;
  /** Lag (steps) of each connection, where delays differ per connection (PlanProjection.maxLag). */
  lag?: Int32Array;
}

export interface PlanProjection {
  synapse: string;
  pre: string;
  post: string;
  nPre: number;
  nPost: number;
  /**
   * Steps between a presynaptic spike and its effect: delay plus one on a recurrent edge.
   * Where delays differ per connection (byPre.lag), the smallest lag.
   */
  lag: number;
  /** Where delays differ per connection: the largest lag (byPre.lag holds each one). */
  maxLag?: number;
  stateOn: 'pre' | 'post';
  /** post: the state that jumps by w. */
  jump?: string;
  /** pre: the state summed through the weights. */
  gather?: string;
  /** Current into postsynaptic neuron j (uses V_post, and wsum or the block's states). */
  current: Expr;
  /** Rows are presynaptic neurons (propagation). */
  byPre: Csr;
  /** Rows are postsynaptic neurons (gather); only for state on 'pre'. */
  byPost?: Csr;
  weightUnit: string;
  /** Where the output goes: the jump input J of the neuron (delta synapses); absent: the current input I. */
  into?: 'J';
  /** The weight of every connection when the document gives one value (f32-rounded, as in `w`). */
  uniformWeight?: number;
  delay: number;
  /** Plastic synapses: per-connection state, event code and the transposed index (plasticity.ts). */
  plasticity?: PlanPlasticity;
}

export type PlanPass =
  /** Element-wise update (or schedule) of a block's states and spikes. */
  | { kind: 'update'; block: string }
  /** Linear synapse: add weights of arriving spikes to the jump state. */
  | { kind: 'propagate'; synapse: string }
  /** Synapse current into its postsynaptic block's input. */
  | { kind: 'synapse-current'; synapse: string }
  /**
   * Current source into a neuron block's input: the same value for every neuron, or neuron
   * k's own (per-target sources); into J for a source of voltage jumps, else into I.
   */
  | { kind: 'inject'; source: string; target: string; into?: 'J' };

export type PlanProbe =
  | {
      id: string; kind: 'state'; block: string; state: string; unit: string;
      neurons: Int32Array; every: number;
      /**
       * A plastic synapse's weight `w` or connection state: `neurons` are then connection
       * indices (positions in the rows by presynaptic neuron), the weight probe.
       */
      connections?: true;
      /**
       * A weight-snapshots probe (every connection's `w` every `every` steps): the
       * presynaptic and postsynaptic neuron of each recorded connection, for the weights CSV
       * (empty when the plan was only checked).
       */
      snapshots?: { pre: Int32Array; post: Int32Array };
    }
  | { id: string; kind: 'spikes'; block: string; neurons: Int32Array | null }
  | { id: string; kind: 'rate'; block: string; size: number; binSteps: number };

export interface Plan {
  name: string;
  dt: number;
  duration: number;
  steps: number;
  seed: number;
  blocks: PlanBlock[];
  projections: PlanProjection[];
  passes: PlanPass[];
  probes: PlanProbe[];
  /** Strongly connected components in execution order (block ids), for --explain. */
  order: string[][];
  /** Ring depth of each spiking block's spike history. */
  spikeHistory: Record<string, number>;
  /** What runs but likely not as meant (a neuron nothing drives); errors throw instead. */
  warnings: Diagnostic[];
}

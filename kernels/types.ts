/**
 * The shape of a block definition: the one declarative description of a block from which
 * both engines print code, the editor builds its node and inspector, and the docs
 * generator writes the reference page. Definitions are plain data; nothing here runs.
 */

/**
 * What flows along an edge. `any` is accepted only by probes. `jump` carries voltage jumps
 * (mV added to a neuron's membrane potential in one step: delta synapses, Poisson drive).
 */
export type SocketType = 'spikes' | 'current' | 'voltage' | 'jump' | 'any';

/** The part of the palette a block sits in; also decides how the compiler schedules it. */
export type BlockCategory = 'source' | 'current' | 'neuron' | 'synapse' | 'probe';

/** A scalar parameter with a physical unit (internal units of assets/docs/models.md). */
export interface QuantityParam {
  kind: 'quantity';
  /** Internal unit, e.g. 'ms', 'mV', '1/ms', '' for dimensionless. */
  unit: string;
  default: number;
  /** When not set, take the value of this other parameter of the block instead of `default`. */
  defaultFrom?: string;
  /** Inclusive lower bound unless `exclusiveMin`. */
  min?: number;
  exclusiveMin?: boolean;
  max?: number;
  doc: string;
}

/** An integer parameter without unit (sizes, counts). */
export interface IntegerParam {
  kind: 'integer';
  default: number;
  min?: number;
  max?: number;
  doc: string;
}

/** One choice out of a fixed set; changes the code the block prints. */
export interface EnumParam {
  kind: 'enum';
  values: readonly string[];
  default: string;
  doc: string;
}

/** A list of (neuron index, time) pairs: the spike-times source. */
export interface SpikeListParam {
  kind: 'spike-list';
  doc: string;
}

/** A list of quantities of one unit (times of a pulse train, amplitudes). */
export interface QuantityListParam {
  kind: 'quantity-list';
  unit: string;
  doc: string;
}

/** A set of neuron indices (probes); 'all' or a list. */
export interface IndexSetParam {
  kind: 'index-set';
  doc: string;
}

/** The name of a state of the block a probe is attached to. */
export interface StateNameParam {
  kind: 'state-name';
  doc: string;
}

/**
 * An expression of the time t with units, e.g. "10 Hz + 5 Hz * sin(2 * pi * t / (100 ms))"
 * (src-main/compiler/time-expression.ts); the update code reads it, in `unit`, like a
 * quantity parameter that changes with t.
 */
export interface TimeExpressionParam {
  kind: 'time-expression';
  unit: string;
  default: string;
  doc: string;
}

export type ParamDef =
  | QuantityParam
  | TimeExpressionParam
  | IntegerParam
  | EnumParam
  | SpikeListParam
  | QuantityListParam
  | IndexSetParam
  | StateNameParam;

/** A state variable, one value per element (neuron, or synapse owner). */
export interface StateDef {
  unit: string;
  /** Initial value: an expression of parameters and of states declared before this one. */
  init: string;
  doc: string;
}

export interface PortDef {
  type: SocketType;
  /** Unit of what flows, for display. */
  unit?: string;
  doc: string;
  /** An input that must be connected for the block to compile. */
  required?: boolean;
}

/**
 * A helper function usable in `init` and `update` code; calls are inlined by substituting
 * the arguments, so the engines never see it.
 */
export interface FunctionDef {
  args: readonly string[];
  body: string;
}

/**
 * How a synapse reaches its postsynaptic population (assets/docs/models.md, "Synapses").
 * - `post`: linear synapses; state per postsynaptic neuron, a presynaptic spike adds the
 *   connection's weight to `jump`; the current per postsynaptic neuron is `current`.
 * - `pre`: kinetic synapses; state per presynaptic neuron; the current per postsynaptic
 *   neuron is `current`, where `wsum` = Σ_i w_ij·`gather`_i over incoming connections.
 */
export interface SynapseSpec {
  stateOn: 'post' | 'pre';
  /** The state that jumps by w on a presynaptic spike (stateOn 'post'). */
  jump?: string;
  /** The state summed through the weights (stateOn 'pre'). */
  gather?: string;
  /**
   * Current into postsynaptic neuron j, in nA. May use the block's states (post) or `wsum`
   * (pre), parameters and `V_post`. Keyed by the value of the enum parameter named by
   * `variantParam` when the block has variants.
   */
  current: string | Record<string, string>;
  variantParam?: string;
  /** Unit of the connection weight, per variant when `current` is keyed. */
  weightUnit: string | Record<string, string>;
  /** Default weight in weightUnit. */
  weightDefault: number;
  weightDoc: string;
  /** Plastic synapses: state per connection and code run on spike events (PlasticitySpec). */
  plasticity?: PlasticitySpec;
}

/**
 * A state of each connection of a plastic synapse (assets/docs/models.md, "Plasticity").
 * With `tau` it is event-driven, as Brian2's `(event-driven)` variables: between events it
 * relaxes exponentially towards `rest` with the time constant named by `tau` (a parameter),
 * computed when the connection's next event comes from the steps since its last one, so an
 * idle connection costs nothing.
 */
export interface ConnectionStateDef {
  unit: string;
  /** Initial value, a plain number in `unit`. */
  init: number;
  /** Name of the parameter (ms) it decays with between events; without it the state is held. */
  tau?: string;
  /** The value it relaxes towards (default 0). */
  rest?: number;
  /** Factor from the `tau` parameter's unit to ms (equation blocks whose tau is not in ms). */
  tauScale?: number;
  doc: string;
}

/** A line of event code: always, or only where an enum parameter has the given value. */
export type EventLine = string | { readonly when: Readonly<Record<string, string>>; readonly code: string };

/**
 * Code run per connection on events (Brian2's on_pre / on_post). Both read and assign `w`
 * (the connection's weight, in the weight unit), the connection states, the block's
 * parameters, `t` and `dt`. `on_pre` runs when a presynaptic spike arrives (after its delay)
 * and may assign the local `delivered`, what the spike adds to the jump state (without it:
 * w as it was before on_pre ran); `on_post` runs when the postsynaptic neuron spikes.
 */
export interface PlasticitySpec {
  states: Readonly<Record<string, ConnectionStateDef>>;
  onPre: readonly EventLine[];
  onPost: readonly EventLine[];
}

/** Which code template a block uses. Most blocks are element-wise update code. */
export type BlockTemplate = 'elementwise' | 'spike-times' | 'piecewise' | 'probe';

/**
 * A source a block cites: plain text, or text with a link — an absolute URL (a DOI, a
 * library's page) or a page of the user docs relative to assets/docs ("models.md#synapses").
 */
export type Reference = string | { readonly text: string; readonly href: string };

export interface BlockDef {
  /** Identifier used in project documents, e.g. 'lif'. */
  type: string;
  category: BlockCategory;
  title: string;
  /** Markdown paragraph: what the block models and how it steps. */
  doc: string;
  /** What the block follows: papers, library implementations, sections of models.md. */
  references: readonly Reference[];
  template: BlockTemplate;
  /** Whether the block has a population size of its own (sources, neurons). */
  sized: boolean;
  params: Readonly<Record<string, ParamDef>>;
  states: Readonly<Record<string, StateDef>>;
  inputs: Readonly<Record<string, PortDef>>;
  outputs: Readonly<Record<string, PortDef>>;
  functions?: Readonly<Record<string, FunctionDef>>;
  /**
   * Update code, one statement per line: `name = expression`. Assigning to a state
   * updates it for the statements that follow; any other name is a local. Spiking blocks
   * assign the boolean `spike`; current sources assign `I_out` (`J_out` when their output
   * is a jump).
   */
  update: readonly string[];
  /** The state that is the membrane potential (neurons): what `V_post`/voltage ports read. */
  voltage?: string;
  /** How a block compiled from equations is integrated ("forward Euler"…), for --explain. */
  integration?: string;
  /**
   * Neurons with a `J` input (type jump): statements run at the start of the step, before
   * `update`, when something is connected to J; they read `J`, the sum of the jumps that
   * arrive in the step (assets/docs/models.md, "Voltage jumps"). Without a connection they
   * are left out, so the block's code is what it was.
   */
  onJump?: readonly string[];
  /**
   * Current sources (category current): one element per neuron of the block the source
   * feeds, each with its own states and random stream, instead of one value for every
   * neuron. The source takes its size from its targets, which must all have that size.
   */
  perTarget?: boolean;
  synapse?: SynapseSpec;
}

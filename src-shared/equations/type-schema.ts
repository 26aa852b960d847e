/**
 * The document form of a block type a project defines itself (`types` in the project
 * document): parameters, states, the dynamics as equations written as Brian2 users write
 * them, and what a spike does. compile-type.ts turns one into a BlockDef.
 */
import { z } from 'zod';

/**
 * Limits on what a user may write: text per field, lines, terms of an expression, nesting of
 * parentheses and calls (`depth`), and depth of the tree (a long sum is a deep tree).
 */
export const EQUATION_LIMITS = { textChars: 20_000, lines: 200, nodes: 2_000, depth: 40, treeDepth: 400 } as const;

const text = z.string().max(EQUATION_LIMITS.textChars);

export const TypeParamDoc = z.strictObject({
  /** The parameter's unit, e.g. "pF", "nS", "mV", "" (dimensionless). Values are given in it. */
  unit: z.string().max(40).default(''),
  default: z.number(),
  min: z.number().optional(),
  exclusiveMin: z.boolean().optional(),
  max: z.number().optional(),
  doc: text.default(''),
});

export const TypeStateDoc = z.strictObject({
  /** Initial value: an expression of the parameters (and earlier states), in the state's unit. */
  init: z.union([text, z.number()]).default('0'),
  doc: text.default(''),
});

export const INTEGRATION_METHODS = ['exact', 'exponential_euler', 'euler', 'rk2', 'rk4'] as const;
export type IntegrationMethod = (typeof INTEGRATION_METHODS)[number];

export const BlockTypeDoc = z.strictObject({
  category: z.enum(['neuron', 'synapse']),
  title: z.string().max(200).optional(),
  doc: text.default(''),
  params: z.record(z.string(), TypeParamDoc).default({}),
  /** Initial values and docs of the states the equations define (each defaults to 0). */
  states: z.record(z.string(), TypeStateDoc).default({}),
  /** One equation per line: `dX/dt = expression : unit`, or `name = expression : unit`. */
  equations: text,
  /** Integration method; by default exponential Euler where every equation is linear in its variable, else Euler. */
  method: z.enum(INTEGRATION_METHODS).optional(),
  /** Neurons: the spike condition, e.g. "V > VT + 5*DeltaT". */
  threshold: text.optional(),
  /** Neurons: statements run on a spike, one per line or separated by ";", e.g. "V = EL; w += b". */
  reset: text.optional(),
  /** Neurons: a duration ("2 ms" or a parameter name) or a condition during which equations flagged (unless refractory) hold. */
  refractory: text.optional(),
  /** Neurons: the state read as membrane potential (default: the first state in volts). */
  voltage: z.string().optional(),
  /** Synapses: where the state lives: one per postsynaptic neuron (default) or per presynaptic neuron. */
  stateOn: z.enum(['post', 'pre']).optional(),
  /** Synapses: what a presynaptic spike does. post: "g += w"; pre: statements on the presynaptic state. */
  on_pre: text.optional(),
  /**
   * Plastic synapses (state per postsynaptic neuron): per-connection variables, one per line,
   * each relaxing between events, e.g. "dApre/dt = -Apre / taupre : 1 (event-driven)"; a line
   * "w : unit" (Brian2's declaration of the weight) may name the weight's unit.
   */
  connection: text.optional(),
  /** Plastic synapses: statements on w and the per-connection variables when the postsynaptic neuron spikes. */
  on_post: text.optional(),
  /** Synapses (pre): the state summed through the weights as wsum. */
  gather: z.string().optional(),
  /** Synapses: the current into each postsynaptic neuron (nA), of the states (post) or wsum (pre) and V_post. */
  current: text.optional(),
  /** Synapses: the connection weight. */
  weight: z.strictObject({ unit: z.string().max(40).default(''), default: z.number().default(1), doc: text.default('') }).optional(),
});

export type BlockTypeDoc = z.infer<typeof BlockTypeDoc>;
export type BlockTypeInput = z.input<typeof BlockTypeDoc>;

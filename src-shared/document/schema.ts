/**
 * The project document: a versioned JSON description of a network (blocks with
 * parameters and units, edges between named ports, run settings). This file is the current
 * version's schema; older versions are brought forward by `migrate.ts`.
 */
import { z } from 'zod';
import { BlockTypeDoc } from '../equations/type-schema.js';
import { groupDigits } from '../group-digits.js';

export const DOCUMENT_FORMAT = 'spikeflow-project';
export const DOCUMENT_VERSION = 2;

/** A number (in the parameter's own unit) or text with a unit, e.g. "10 ms". */
export const Quantity = z.union([z.number(), z.string()], {
  error: (issue) => (issue.input === undefined ? 'missing: give a number, or a value with its unit in quotes ("20 ms")' : 'expected a number, or a value with its unit in quotes ("20 ms")'),
});

/**
 * A value drawn per neuron or per connection with the run seed (assets/docs/models.md,
 * "Heterogeneity"). A normal with `low`/`high` is truncated: values outside are drawn again.
 * A lognormal is given by the mean and sd of the value itself.
 */
export const Distribution = z.discriminatedUnion('dist', [
  z.strictObject({ dist: z.literal('normal'), mean: Quantity, sd: Quantity, low: Quantity.optional(), high: Quantity.optional() }),
  z.strictObject({ dist: z.literal('uniform'), low: Quantity, high: Quantity }),
  z.strictObject({ dist: z.literal('lognormal'), mean: Quantity, sd: Quantity }),
], {
  error: (issue) => {
    const dist = (issue.input as { dist?: unknown } | undefined)?.dist;
    return issue.code === 'invalid_union' && dist !== undefined ? `unknown distribution ${JSON.stringify(dist)}: use "normal", "uniform" or "lognormal"` : undefined;
  },
});

/**
 * A value computed per neuron (of i, N and r) or per connection (of i, j, N_pre, N_post and
 * r), with units, e.g. "-65 mV + 15 mV * r^2".
 */
export const Expression = z.strictObject({ expr: z.string().min(1).max(2000) });

export const ValueOrDistribution = z.union([Quantity, Distribution, Expression], {
  error: 'expected a value with its unit ("-65 mV"), a distribution ({"dist": "normal", "mean": …, "sd": …}, "uniform" or "lognormal") or an expression ({"expr": "…"})',
});

/** Rows a rate table may have (its expression grows with them; src-main/compiler/rate-table.ts). */
export const RATE_TABLE_MAX_ROWS = 4096;

/**
 * A rate as a table of (t, rate) rows instead of an expression of t (the inhomogeneous
 * Poisson source): t in ms and rate in the parameter's unit when bare numbers, rows in
 * increasing t; linear between rows, held before the first and after the last.
 */
export const RateTable = z.strictObject({ table: z.array(z.tuple([Quantity, Quantity])).min(1).max(RATE_TABLE_MAX_ROWS) });

export const CONNECTION_RULES = ['all-to-all', 'one-to-one', 'fixed-probability', 'fixed-indegree', 'pairs'] as const;

export const Connection = z.strictObject({
  rule: z.enum(CONNECTION_RULES).default('all-to-all'),
  /** fixed-probability: probability of each pair. */
  p: z.number().min(0).max(1).optional(),
  /** fixed-indegree: number of presynaptic partners of every postsynaptic neuron. */
  indegree: z.number().int().min(0).optional(),
  /** explicit list of [pre, post] index pairs, each optionally with its own weight and delay: [pre, post, w, d]. */
  // One tuple with optional tail (not a union of tuples) so that a bad element is named by its index.
  pairs: z.array(z.tuple([z.number().int().min(0), z.number().int().min(0), Quantity.optional(), Quantity.optional()])).optional(),
  /** Whether i → i is allowed when pre and post are the same block (probabilistic rules). */
  selfConnections: z.boolean().default(true),
  weight: ValueOrDistribution.optional(),
  /** One delay for all connections (the fast path), or a distribution or expression per connection. */
  delay: ValueOrDistribution.default(0),
});

const BLOCK_ID = /^[A-Za-z_][A-Za-z0-9_]*$/;

export const Block = z.strictObject({
  id: z.string().regex(BLOCK_ID, 'must start with a letter or _ and contain only letters, digits and _'),
  type: z.string().min(1),
  label: z.string().optional(),
  size: z.number().int().min(1).optional(),
  params: z.record(z.string(), z.unknown()).default({}),
  init: z.record(z.string(), ValueOrDistribution).default({}),
  connection: Connection.optional(),
  position: z.strictObject({ x: z.number(), y: z.number() }).optional(),
});

const PORT_REF = /^[A-Za-z_][A-Za-z0-9_]*\.[A-Za-z_][A-Za-z0-9_]*$/;

export const Edge = z.strictObject({
  from: z.string().regex(PORT_REF, 'must be "block.port"'),
  to: z.string().regex(PORT_REF, 'must be "block.port"'),
});

export const RunSettings = z.strictObject({
  dt: Quantity.default('0.1 ms'),
  duration: Quantity.default('100 ms'),
  seed: z.number().int().min(0).max(2 ** 32 - 1).default(1),
});

/**
 * How many blocks and edges a document may have. The largest published models drawn as
 * graphs have tens of blocks (examples: at most 16); a graph of more than a few thousand
 * cannot be read or edited, and each block costs the compiler, the run's recordings and the
 * editor memory: a shared file of 300,000 probes held the web host's loop for seconds and,
 * run, took it past 1 GiB. Bounded so that no document can do that.
 */
export const MAX_BLOCKS = 10_000;
export const MAX_EDGES = 50_000;
/**
 * The largest project document, as text (UTF-8 bytes): 16 MiB holds 400,000 recorded spike
 * times. Read into objects, a document takes ten times its text or more in every copy a
 * check makes; a valid 42 MB spike train took the web host past 1 GiB and killed it.
 */
export const MAX_DOCUMENT_BYTES = 16 * 2 ** 20;

/** "42.1 MB" (MiB, as the limit is given; rounded up, so a document over the limit never reads as at it). */
const megabytes = (bytes: number) => `${(Math.ceil((bytes / 2 ** 20) * 10) / 10).toFixed(1)} MB`;

/** Why a document of `bytes` is refused (`source` names it: a file, "the imported file"), or null. */
export function documentSizeProblem(bytes: number, source: string): string | null {
  return bytes > MAX_DOCUMENT_BYTES ? `${source} is ${megabytes(bytes)}; a project document may be at most ${MAX_DOCUMENT_BYTES / 2 ** 20} MB` : null;
}

export const ProjectDocument = z.strictObject({
  format: z.literal(DOCUMENT_FORMAT),
  version: z.literal(DOCUMENT_VERSION),
  // Bounded so that a shared file cannot make every list and title carry megabytes.
  name: z.string().max(1000).default('Untitled'),
  description: z.string().max(100_000).default(''),
  run: RunSettings.default({ dt: '0.1 ms', duration: '100 ms', seed: 1 }),
  blocks: z.array(Block).max(MAX_BLOCKS, `a project has at most ${groupDigits(MAX_BLOCKS)} blocks`),
  edges: z.array(Edge).max(MAX_EDGES, `a project has at most ${groupDigits(MAX_EDGES)} edges`).default([]),
  /** Block types the project defines as equations (src-shared/equations), by type name. */
  types: z.record(z.string(), BlockTypeDoc).optional(),
});

export type ProjectDocument = z.infer<typeof ProjectDocument>;
export type BlockDoc = z.infer<typeof Block>;
export type EdgeDoc = z.infer<typeof Edge>;
export type ConnectionDoc = z.infer<typeof Connection>;
export type DistributionDoc = z.infer<typeof Distribution>;
export type ValueOrDistributionDoc = z.infer<typeof ValueOrDistribution>;
export type ExpressionDoc = z.infer<typeof Expression>;
export type RateTableDoc = z.infer<typeof RateTable>;

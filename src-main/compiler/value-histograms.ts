/**
 * Histograms of the values a block's varying parameters take (heterogeneity.ts), for the
 * inspector: drawn exactly as a run draws them (same streams, same r), for the first
 * `cap` neurons at most, so a 10^9-neuron block is shown in the time of 10^5.
 */
import type { QuantityParam } from '../../kernels/types.js';
import type { ProjectDocument } from '../../src-shared/document/schema.js';
import { DiagnosticSink } from './diagnostics.js';
import { blockDefIn } from './document-types.js';
import { drawValues } from './draw-values.js';
import { neuronScope } from './heterogeneity.js';
import { HostRandom, streamOf } from './host-random.js';
import { resolveParams } from './resolve-params.js';

export interface ValueHistogram {
  /** The parameter's unit. */
  unit: string;
  min: number;
  max: number;
  /** Counts of `bins` equal bins from min to max. */
  counts: number[];
  /** Values drawn (the block's size, or `cap`). */
  drawn: number;
  size: number;
}

/**
 * The histogram of each parameter of block `blockId` given as a distribution or an
 * expression; a parameter that cannot be drawn (a wrong unit) is left out: `validate`
 * reports it.
 */
export function valueHistograms(doc: ProjectDocument, blockId: string, seed = doc.run.seed, bins = 24, cap = 100_000): Record<string, ValueHistogram> {
  const block = doc.blocks.find((b) => b.id === blockId);
  // A project's own types (doc.types) too: their parameters vary per neuron like a built-in's.
  const def = block && blockDefIn(doc, block.type);
  if (!block || !def || !def.sized) return {};
  const params = resolveParams(block, def, new DiagnosticSink());
  const size = block.size ?? 1;
  const scope = neuronScope(block.id, size, seed);
  const out: Record<string, ValueHistogram> = {};
  for (const [name, spec] of Object.entries(params.specs)) {
    const unit = (def.params[name] as QuantityParam).unit;
    let values: Float64Array;
    try {
      values = drawValues(spec, unit, Math.min(size, cap), new HostRandom(seed, streamOf(`param:${block.id}:${name}`)), scope);
    } catch {
      continue;
    }
    let min = Infinity;
    let max = -Infinity;
    for (const v of values) { if (v < min) min = v; if (v > max) max = v; }
    const counts = new Array<number>(bins).fill(0);
    const width = (max - min) / bins;
    for (const v of values) counts[width > 0 ? Math.min(bins - 1, Math.floor((v - min) / width)) : 0]!++;
    out[name] = { unit, min, max, counts, drawn: values.length, size };
  }
  return out;
}

/**
 * Per-target current sources (BlockDef.perTarget: noise currents, the Poisson drive) have
 * one element per neuron of the block they feed, each with its own states and random
 * stream. They have no size of their own: it is taken from their targets, which must then
 * all have one size (a source feeding blocks of 10 and 20 neurons has no single element
 * count). Targets of one size share the source's values, neuron k of each receiving the
 * source's element k.
 */
import type { BlockDef } from '../../kernels/types.js';
import type { Diagnostic } from './diagnostics.js';

interface SizedBlock {
  def: BlockDef;
  size: number;
}

interface Edge {
  from: { block: string; port: string };
  to: { block: string; port: string };
}

/**
 * Sets the size of every per-target source in `blocks` to that of the neuron blocks it feeds
 * (1 when it feeds none) and returns a problem for each source whose targets differ in size.
 */
export function assignTargetSizes(blocks: ReadonlyMap<string, SizedBlock>, edges: readonly Edge[]): Diagnostic[] {
  const problems: Diagnostic[] = [];
  for (const [id, info] of blocks) {
    if (!info.def.perTarget) continue;
    const sizes = new Map<string, number>();
    for (const e of edges) {
      const target = e.from.block === id ? blocks.get(e.to.block) : undefined;
      if (target && target.def.category === 'neuron') sizes.set(e.to.block, target.size);
    }
    const distinct = [...new Set(sizes.values())];
    if (distinct.length > 1) {
      const listed = [...sizes].map(([b, n]) => `"${b}" has ${n}`).join(', ');
      problems.push({
        block: id,
        message: `gives each neuron of its targets its own value, so they must be of one size: ${listed}; use one ${info.def.title} block per size`,
      });
    }
    info.size = distinct[0] ?? 1;
  }
  return problems;
}

/**
 * Why a model cannot be exported to a target: thrown with one line per block that has no
 * faithful equivalent there, each naming the block, its type and the reason, so that a
 * block added to Spikeflow after the exporter was written fails clearly instead of being
 * exported wrongly.
 */
export interface BlockRefusal {
  block: string;
  type: string;
  reason: string;
}

export class ExportRefusal extends Error {
  constructor(readonly target: string, readonly refusals: readonly BlockRefusal[]) {
    // One line, as every CLI failure (src-main/cli/main.ts).
    super(`cannot export to ${target}: ${refusals.map((r) => `block "${r.block}" (${r.type}) ${r.reason}`).join('; ')}`);
    this.name = 'ExportRefusal';
  }
}

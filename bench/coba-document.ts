/**
 * The COBA benchmark network (assets/examples/coba.json) scaled to N neurons:
 * E = 0.8·N excitatory and I = 0.2·N inhibitory LIF neurons, fixed connection probability
 * p = 80/N so that every neuron keeps on average 80 inputs (64 excitatory, 16 inhibitory),
 * as the Brette et al. (2007) benchmarks scale it. The spike probe of the example is
 * dropped (recording every spike of 256 000 neurons would dominate the run); the two
 * population-rate probes stay.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseDocument } from '../src-shared/document/load.js';
import type { ProjectDocument } from '../src-shared/document/schema.js';

const COBA_PATH = fileURLToPath(new URL('../assets/examples/coba.json', import.meta.url));

/** Mean number of presynaptic partners per neuron (64 excitatory + 16 inhibitory). */
export const COBA_INDEGREE = 80;

interface RawBlock {
  id: string;
  type: string;
  size?: number;
  connection?: { p?: number };
}

/** The COBA document for `n` neurons (n divisible by 5), `durationMs` of biological time. */
export function cobaDocument(n: number, durationMs = 1000, seed = 1): ProjectDocument {
  if (!Number.isInteger(n) || n < 5 || n % 5 !== 0) throw new Error(`COBA needs N a positive multiple of 5, got ${n}`);
  if (n < COBA_INDEGREE) throw new Error(`COBA needs N ≥ ${COBA_INDEGREE} (p = 80/N ≤ 1), got ${n}`);
  const raw = JSON.parse(readFileSync(COBA_PATH, 'utf8')) as {
    name: string;
    run: Record<string, unknown>;
    blocks: RawBlock[];
    edges: Array<{ from: string; to: string }>;
  };
  const nE = (n * 4) / 5;
  const nI = n - nE;
  const p = COBA_INDEGREE / n;
  const sizes: Record<string, number> = { E: nE, I: nI };
  const blocks = raw.blocks.filter((b) => b.type !== 'spike-probe');
  const dropped = new Set(raw.blocks.filter((b) => b.type === 'spike-probe').map((b) => b.id));
  for (const b of blocks) {
    if (b.type === 'lif') {
      const size = sizes[b.id];
      if (size === undefined) throw new Error(`coba.json: unexpected neuron block "${b.id}"`);
      b.size = size;
    }
    if (b.connection) b.connection.p = p;
  }
  raw.blocks = blocks;
  raw.edges = raw.edges.filter((e) => !dropped.has(e.to.split('.')[0]!));
  raw.name = `COBA N=${n}`;
  raw.run = { ...raw.run, duration: `${durationMs} ms`, seed };
  return parseDocument(raw);
}

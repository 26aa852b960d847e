/**
 * Sweep expansion, shared by the CLI (`spikeflow run --sweep … --seeds N`) and the app's
 * service (`startSweep`): one document becomes copies, every value × every seed, each with
 * a folder-safe label. Problems are a `SweepError` naming the option at fault (`sweep` or
 * `seeds`); each caller words the prefix its own way (`--sweep:` on the command line,
 * `sweep:` in the app), so neither has to rewrite the other's messages.
 */
import { blockDefIn } from '../compiler/document-types.js';
import type { ProjectDocument } from '../../src-shared/document/schema.js';
import { toUnit } from '../../src-shared/units.js';
import { own } from '../../src-shared/own.js';
import { MAX_SWEEP_COPIES } from '../../src-shared/api.js';

/** What a sweep problem is about: the swept values, or the seed count. */
export type SweepField = 'sweep' | 'seeds';

/**
 * A sweep that cannot be expanded. `message` says what is wrong without a prefix;
 * `duplicate` marks two values that give the same copy (the CLI speaks of folder names,
 * the app of values).
 */
export class SweepError extends Error {
  constructor(
    readonly field: SweepField,
    message: string,
    readonly code: 'invalid' | 'duplicate' = 'invalid',
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'SweepError';
  }
}

/** A number written without a unit ("5", "-1.5e3"). */
export const BARE_NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/** A folder-safe label: letters, digits and . _ = - survive, the rest becomes _. */
function safeLabel(text: string): string {
  return text.replace(/\s+/g, '').replace(/[^A-Za-z0-9._=-]/g, '_');
}

/**
 * Expands a sweep spec (`<block>.<param>=v1,v2,…`, or '' for none) and a seed count into
 * documents and labels: every value × every seed (seeds run + 0 … N − 1 from the
 * document's seed). Throws a SweepError naming the block, parameter or value at fault.
 */
export function expandSweep(doc: ProjectDocument, spec: string, seeds?: number): { docs: ProjectDocument[]; labels: string[] } {
  type Variant = { label: string; apply: (d: ProjectDocument) => void };
  let values: Variant[] = [{ label: '', apply: () => {} }];
  const text = spec.trim();
  if (text.length > 0) {
    const m = /^([^.=\s]+)\.([^=\s]+)\s*=\s*(.*)$/.exec(text);
    if (!m) throw new SweepError('sweep', `"${spec}" is not of the form <block>.<param>=<v1>,<v2>,…`);
    const [, blockId, param, list] = m as unknown as [string, string, string, string];
    const block = doc.blocks.find((b) => b.id === blockId);
    if (!block) throw new SweepError('sweep', `no block "${blockId}" in the project (blocks: ${doc.blocks.map((b) => b.id).join(', ') || 'none'})`);
    const def = blockDefIn(doc, block.type);
    if (!def) throw new SweepError('sweep', `block "${blockId}" has an unknown type "${block.type}"`);
    const p = own(def.params, param);
    if (!p) {
      const names = Object.entries(def.params).filter(([, d]) => d.kind === 'quantity' || d.kind === 'integer').map(([n]) => n);
      throw new SweepError('sweep', `block "${blockId}" (${def.type}) has no parameter "${param}" (numeric parameters: ${names.join(', ') || 'none'})`);
    }
    if (p.kind !== 'quantity' && p.kind !== 'integer') {
      throw new SweepError('sweep', `parameter "${param}" of block "${blockId}" is ${/^[aeiou]/.test(p.kind) ? 'an' : 'a'} ${p.kind}, not a number; only numeric parameters can be swept`);
    }
    const items = list.split(',').map((v) => v.trim()).filter((v) => v.length > 0);
    if (items.length === 0) throw new SweepError('sweep', `no values given for ${blockId}.${param}`);
    if (items.length > MAX_SWEEP_COPIES) throw new SweepError('sweep', `${items.length} values for ${blockId}.${param}; a batch may have at most ${MAX_SWEEP_COPIES} copies`);
    values = items.map((item) => {
      const value: number | string = BARE_NUMBER.test(item) ? Number(item) : item;
      if (p.kind === 'integer') {
        if (typeof value !== 'number' || !Number.isInteger(value)) throw new SweepError('sweep', `value "${item}" for ${blockId}.${param} must be an integer`);
      } else {
        try {
          toUnit(value, p.unit);
        } catch (e) {
          throw new SweepError('sweep', `value "${item}" for ${blockId}.${param} (in ${p.unit || 'no unit'}): ${(e as Error).message}`, 'invalid', { cause: e });
        }
      }
      return {
        label: `${blockId}.${param}=${item}`,
        apply: (d: ProjectDocument) => { d.blocks.find((b) => b.id === blockId)!.params[param] = value; },
      };
    });
  }
  let seedList: Array<number | undefined> = [undefined];
  if (seeds !== undefined) {
    if (!Number.isInteger(seeds) || seeds < 1) throw new SweepError('seeds', `"${seeds}" is not a positive integer`);
    // Checked before any copy is made: every copy is compiled and held at once, so a slip
    // of the keyboard (--seeds 100000000) would otherwise fill the memory for minutes.
    const copies = values.length * seeds;
    if (copies > MAX_SWEEP_COPIES) {
      throw new SweepError('seeds', `${seeds} seeds${values.length > 1 ? ` × ${values.length} values` : ''} make ${copies} copies; a batch may have at most ${MAX_SWEEP_COPIES}`);
    }
    seedList = Array.from({ length: seeds }, (_, k) => (doc.run.seed + k) % 2 ** 32);
  }
  const docs: ProjectDocument[] = [];
  const labels: string[] = [];
  for (const v of values) {
    for (const seed of seedList) {
      const d = structuredClone(doc);
      v.apply(d);
      if (seed !== undefined) d.run.seed = seed;
      docs.push(d);
      const parts = [v.label, seed !== undefined ? `seed=${seed}` : ''].filter((x) => x.length > 0);
      labels.push(safeLabel(parts.join('_') || 'run'));
    }
  }
  if (new Set(labels).size !== labels.length) throw new SweepError('sweep', 'two values give the same copy; list each value once', 'duplicate');
  return { docs, labels };
}

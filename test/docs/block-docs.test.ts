/**
 * The block library is documented and its code is well-formed: every block has a title,
 * a doc and references; every parameter, state and port has a doc; update code, initial
 * values and synapse currents parse and type-check; and the committed reference
 * (assets/docs/blocks.md) is exactly what the generator prints from the definitions.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BLOCKS } from '../../kernels/index.js';
import type { BlockDef } from '../../kernels/types.js';
import { blockExpression, checkedCurrent, checkedUpdate } from '../../src-main/compiler/block-code.js';
import { evaluate } from '../../src-shared/expr/evaluate.js';
import { BLOCK_DOCS_PATH, renderBlockDocs } from '../../scripts/block-docs.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Every documented item of a block: "where" → doc text. */
function docItems(def: BlockDef): Array<[string, string]> {
  const items: Array<[string, string]> = [];
  for (const [name, p] of Object.entries(def.params)) items.push([`parameter "${name}"`, p.doc]);
  for (const [name, s] of Object.entries(def.states)) items.push([`state "${name}"`, s.doc]);
  for (const [name, p] of Object.entries(def.inputs)) items.push([`input "${name}"`, p.doc]);
  for (const [name, p] of Object.entries(def.outputs)) items.push([`output "${name}"`, p.doc]);
  if (def.synapse) items.push(['synapse weight', def.synapse.weightDoc]);
  return items;
}

const blank = (s: unknown) => typeof s !== 'string' || s.trim() === '';

/** The values an enum parameter selecting the synapse current can take (or [undefined]). */
function currentVariants(def: BlockDef): Array<string | undefined> {
  const spec = def.synapse!;
  if (typeof spec.current === 'string') return [undefined];
  const param = spec.variantParam ? def.params[spec.variantParam] : undefined;
  return param?.kind === 'enum' ? [...param.values] : Object.keys(spec.current);
}

describe('block library documentation', () => {
  it('has unique block types and at least one block per category', () => {
    const types = BLOCKS.map((b) => b.type);
    expect(new Set(types).size).toBe(types.length);
    for (const c of ['source', 'current', 'neuron', 'synapse', 'probe']) {
      expect(BLOCKS.some((b) => b.category === c), c).toBe(true);
    }
  });

  it('gives every block a title, a doc and references', () => {
    const missing: string[] = [];
    for (const def of BLOCKS) {
      if (blank(def.title)) missing.push(`${def.type}: title`);
      if (blank(def.doc)) missing.push(`${def.type}: doc`);
      if (def.references.length === 0 || def.references.some((r) => blank(typeof r === 'string' ? r : r.text))) missing.push(`${def.type}: references`);
    }
    expect(missing).toEqual([]);
  });

  it('documents every parameter, state and port of every block', () => {
    const missing: string[] = [];
    for (const def of BLOCKS) {
      for (const [where, doc] of docItems(def)) if (blank(doc)) missing.push(`${def.type}: ${where}`);
    }
    expect(missing).toEqual([]);
  });

  it('gives every quantity parameter a default within its own bounds', () => {
    const bad: string[] = [];
    for (const def of BLOCKS) {
      for (const [name, p] of Object.entries(def.params)) {
        if (p.kind === 'enum' && !p.values.includes(p.default)) bad.push(`${def.type}.${name}`);
        if (p.kind !== 'quantity' && p.kind !== 'integer') continue;
        const exclusive = p.kind === 'quantity' && p.exclusiveMin;
        if (p.min !== undefined && (exclusive ? p.default <= p.min : p.default < p.min)) bad.push(`${def.type}.${name}`);
        if (p.max !== undefined && p.default > p.max) bad.push(`${def.type}.${name}`);
      }
    }
    expect(bad).toEqual([]);
  });
});

describe('block library code', () => {
  it.each(BLOCKS.map((b) => [b.type, b] as const))('%s: update code parses and type-checks', (_, def) => {
    expect(() => checkedUpdate(def)).not.toThrow();
    expect(checkedUpdate(def)).toHaveLength(def.update.length);
  });

  it.each(BLOCKS.filter((b) => b.synapse).map((b) => [b.type, b] as const))(
    '%s: the synapse current parses and type-checks for every variant',
    (_, def) => {
      for (const variant of currentVariants(def)) {
        expect(() => checkedCurrent(def, variant), `variant ${variant}`).not.toThrow();
      }
      const spec = def.synapse!;
      if (spec.stateOn === 'post') expect(def.states[spec.jump ?? '']).toBeDefined();
      else expect(def.states[spec.gather ?? '']).toBeDefined();
      if (typeof spec.weightUnit !== 'string') {
        for (const variant of currentVariants(def)) expect(spec.weightUnit[variant ?? '']).toBeDefined();
      }
    },
  );

  it.each(BLOCKS.filter((b) => Object.keys(b.states).length > 0).map((b) => [b.type, b] as const))(
    '%s: initial values evaluate to finite numbers at the default parameters',
    (_, def) => {
      const env = new Map<string, number | boolean>([['dt', 0.1]]);
      for (const [name, p] of Object.entries(def.params)) if (p.kind === 'quantity') env.set(name, p.default);
      for (const [name, s] of Object.entries(def.states)) {
        const v = evaluate(blockExpression(def, s.init), env);
        expect(typeof v, name).toBe('number');
        expect(Number.isFinite(v), name).toBe(true);
        env.set(name, v);
      }
    },
  );
});

describe('generated block reference', () => {
  const text = renderBlockDocs();

  it('lists every block with its parameters, states and ports', () => {
    for (const def of BLOCKS) {
      expect(text).toContain(`### ${def.title}`);
      expect(text).toContain(`Type: \`${def.type}\``);
      for (const name of [...Object.keys(def.params), ...Object.keys(def.states), ...Object.keys(def.inputs), ...Object.keys(def.outputs)]) {
        expect(text).toContain(`| \`${name}\` |`);
      }
      for (const line of def.update) expect(text).toContain(line);
    }
  });

  it(`is committed and current (${BLOCK_DOCS_PATH}; regenerate with "npm run docs")`, () => {
    let committed: string;
    try {
      committed = readFileSync(`${ROOT}${BLOCK_DOCS_PATH}`, 'utf8');
    } catch {
      throw new Error(`${BLOCK_DOCS_PATH} is missing; run "npm run docs" and commit it`);
    }
    if (committed !== text) {
      throw new Error(`${BLOCK_DOCS_PATH} is out of date with the block definitions; run "npm run docs" and commit it`);
    }
  });
});

/**
 * Parameter values of one block: text with units converted to internal units, bounds
 * checked, lists and enums validated. Every problem is reported with the block and the
 * parameter's name.
 */
import type { BlockDef, ParamDef, QuantityParam } from '../../kernels/types.js';
import { Distribution, Expression, type BlockDoc, type DistributionDoc, type ExpressionDoc } from '../../src-shared/document/schema.js';
import { toUnit } from '../../src-shared/units.js';
import type { Expr } from '../../src-shared/expr/ast.js';
import { compileTimeExpression } from './time-expression.js';
import { isRateTable, rateTableExpression } from './rate-table.js';
import type { DiagnosticSink } from './diagnostics.js';
import { boundsProblem } from '../../src-shared/param-bounds.js';
import { own } from '../../src-shared/own.js';

export interface ResolvedParams {
  quantities: Record<string, number>;
  enums: Record<string, string>;
  spikeList?: Array<[number, number]>;
  quantityLists: Record<string, number[]>;
  /** index-set parameters: null means "all". */
  indexSets: Record<string, number[] | null>;
  stateNames: Record<string, string | undefined>;
  /** time-expression parameters, compiled (time-expression.ts): substituted into the block's code. */
  timeExpressions: Record<string, Expr>;
  /** Quantity parameters given as a distribution or an expression: drawn per neuron by heterogeneity.ts. */
  specs: Record<string, DistributionDoc | ExpressionDoc>;
}

function resolveQuantity(p: QuantityParam, raw: unknown): number {
  if (typeof raw !== 'number' && typeof raw !== 'string') throw new Error(`expected a quantity like "${p.default} ${p.unit}"`);
  const v = toUnit(raw, p.unit);
  const problem = boundsProblem(p, v);
  if (problem) throw new Error(`${JSON.stringify(raw)} ${problem}`);
  return v;
}

/** A distribution or an expression, checked for its shape (values and units are checked when drawn). */
function varyingSpec(raw: object): DistributionDoc | ExpressionDoc {
  const parsed = 'expr' in raw ? Expression.safeParse(raw) : Distribution.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const at = issue.path.length > 0 ? ` (${issue.path.join('.')})` : '';
  throw new Error(`expected a quantity, a distribution {"dist": "normal" | "uniform" | "lognormal", …} or an expression {"expr": "…"}: ${issue.message}${at}`);
}

function resolveOne(name: string, p: ParamDef, raw: unknown, out: ResolvedParams): void {
  switch (p.kind) {
    case 'quantity':
      if (typeof raw === 'object' && raw !== null) {
        out.specs[name] = varyingSpec(raw);
        return;
      }
      // A `defaultFrom` default is filled in by resolveParams once the other parameter is known.
      if (raw !== undefined) out.quantities[name] = resolveQuantity(p, raw);
      else if (!p.defaultFrom) out.quantities[name] = p.default;
      return;
    case 'integer': {
      const v = raw === undefined ? p.default : raw;
      if (typeof v !== 'number' || !Number.isInteger(v)) throw new Error('expected an integer');
      if ((p.min !== undefined && v < p.min) || (p.max !== undefined && v > p.max)) throw new Error(`${v} is out of range`);
      out.quantities[name] = v;
      return;
    }
    case 'enum': {
      const v = raw === undefined ? p.default : raw;
      if (typeof v !== 'string' || !p.values.includes(v)) {
        throw new Error(`${JSON.stringify(v)} is not one of ${p.values.map((x) => `"${x}"`).join(', ')}`);
      }
      out.enums[name] = v;
      return;
    }
    case 'spike-list': {
      const v = raw ?? [];
      if (!Array.isArray(v)) throw new Error('expected a list of [neuron, time] pairs');
      out.spikeList = v.map((pair, k) => {
        if (!Array.isArray(pair) || pair.length !== 2 || !Number.isInteger(pair[0]) || pair[0] < 0) {
          throw new Error(`entry ${k + 1} must be [neuron index, time]`);
        }
        const t = toUnit(pair[1], 'ms');
        if (t < 0) throw new Error(`entry ${k + 1}: time must not be negative`);
        return [pair[0] as number, t];
      });
      return;
    }
    case 'quantity-list': {
      const v = raw ?? [];
      if (!Array.isArray(v)) throw new Error(`expected a list of quantities in ${p.unit}`);
      out.quantityLists[name] = v.map((x, k) => {
        try {
          return toUnit(x as number | string, p.unit);
        } catch (e) {
          throw new Error(`entry ${k + 1}: ${(e as Error).message}`);
        }
      });
      return;
    }
    case 'index-set': {
      const v = raw ?? 'all';
      if (v === 'all') { out.indexSets[name] = null; return; }
      if (!Array.isArray(v) || !v.every((x) => Number.isInteger(x) && x >= 0)) {
        throw new Error('expected "all" or a list of neuron indices');
      }
      out.indexSets[name] = v as number[];
      return;
    }
    case 'time-expression':
      out.timeExpressions[name] = isRateTable(raw) ? rateTableExpression(raw, p) : compileTimeExpression(raw === undefined ? p.default : raw as string, p);
      return;
    case 'state-name':
      if (raw !== undefined && typeof raw !== 'string') throw new Error('expected the name of a state');
      out.stateNames[name] = raw as string | undefined;
      return;
  }
}

/** Resolves all parameters of a block, recording problems in `sink`. */
export function resolveParams(block: BlockDoc, def: BlockDef, sink: DiagnosticSink): ResolvedParams {
  const out: ResolvedParams = { quantities: {}, enums: {}, quantityLists: {}, indexSets: {}, stateNames: {}, specs: {}, timeExpressions: {} };
  for (const name of Object.keys(block.params)) {
    if (!own(def.params, name)) {
      const known = Object.keys(def.params).join(', ') || 'none';
      sink.add({ block: block.id, field: `parameter "${name}"`, message: `${def.type} has no such parameter (it has: ${known})` });
    }
  }
  for (const [name, p] of Object.entries(def.params)) {
    sink.check({ block: block.id, field: `parameter "${name}"` }, () => resolveOne(name, p, own(block.params, name), out));
  }
  for (const [name, p] of Object.entries(def.params)) {
    if (p.kind === 'quantity' && p.defaultFrom && out.quantities[name] === undefined && !out.specs[name]) {
      out.quantities[name] = out.quantities[p.defaultFrom] ?? p.default;
    }
  }
  return out;
}

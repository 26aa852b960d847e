/**
 * The synapse part of an equation block type: what a presynaptic spike does (`on_pre`),
 * the current into the postsynaptic neuron and the connection weight, as the SynapseSpec
 * the compiler and engines know (kernels/types.ts):
 *  - state per postsynaptic neuron (`stateOn: post`): on_pre adds the weight to one state,
 *    "g += w", and the weight has that state's unit;
 *  - state per presynaptic neuron (`stateOn: pre`): on_pre statements run on the state when a
 *    spike arrives, and the current reads wsum, the sum of weight × `gather` state.
 */
import type { SynapseSpec } from '../../kernels/types.js';
import { walk, type Expr } from '../expr/ast.js';
import { formatExpr, formatUnit, unitType, type DimType, type NumType } from '../expr/dimensions.js';
import { v } from './linear.js';
import { columnOf, parseField, parseStatements, unitText, type ParsedStatement, type SourceError } from './parse-equations.js';
import { internal, MILLIVOLT, NANOAMP, sameDims, type TypeChecks } from './type-checks.js';
import { isPlastic, plasticPart } from './plastic-spec.js';

/** The internal unit of a type as text units.ts reads ("mV", "nA", "ms·nA"; "" for none). */
export function unitString(t: NumType): string {
  const s = formatUnit(internal(t));
  return s === '1' ? '' : s;
}

function reads(e: Expr, name: string): boolean {
  let found = false;
  walk(e, (n) => { if (n.k === 'var' && n.name === name) found = true; });
  return found;
}

export interface SynapsePart {
  spec: SynapseSpec;
  /** stateOn pre: the statements a spike runs. */
  onPre: ParsedStatement[];
}

export function synapsePart(checks: TypeChecks): SynapsePart | undefined {
  const { doc, stateTypes } = checks;
  const stateOn = doc.stateOn ?? 'post';
  if (doc.on_pre === undefined) { checks.add('on_pre', 'a synapse says what a presynaptic spike does, e.g. "g += w"'); return undefined; }
  const problems: SourceError[] = [];
  const onPre = parseStatements(doc.on_pre, problems);
  checks.collect('on_pre', problems);
  let weightDeclared: NumType | undefined;
  try { weightDeclared = unitType(unitText(doc.weight?.unit ?? '')); } catch (e) { checks.add('weight.unit', (e as Error).message); }

  let jump: string | undefined;
  let weightType: NumType | undefined;
  let plasticity: SynapseSpec['plasticity'];
  if (stateOn === 'post' && isPlastic(checks)) {
    // Plastic (plastic-spec.ts): per-connection variables and event code; the weight has the unit of the state it adds to.
    const part = plasticPart(checks, onPre);
    if (!part) return undefined;
    jump = part.jump;
    plasticity = part.plasticity;
    weightType = stateTypes.get(jump)!;
    if (weightDeclared && doc.weight?.unit && !sameDims(weightDeclared, weightType)) {
      checks.add('weight.unit', `the weight is added to ${jump} (${formatUnit(weightType)}), but its unit is ${doc.weight.unit}`);
    }
  } else if (stateOn === 'post') {
    const s = onPre[0];
    const isJump = onPre.length === 1 && s !== undefined && s.expr.k === 'bin' && s.expr.op === '+' &&
      s.expr.a.k === 'var' && s.expr.a.name === s.target && s.expr.b.k === 'var' && s.expr.b.name === 'w';
    if (!isJump) {
      if (problems.length === 0) checks.add('on_pre', 'with state per postsynaptic neuron a spike adds its weight to one state: "g += w"', s?.line ?? 1, s?.column ?? 1);
      return undefined;
    }
    if (!stateTypes.has(s.target)) { checks.add('on_pre', `"${s.target}" is not a state`, s.line, s.targetColumn); return undefined; }
    jump = s.target;
    weightType = stateTypes.get(jump)!;
    if (weightDeclared && doc.weight?.unit && !sameDims(weightDeclared, weightType)) {
      checks.add('weight.unit', `the weight is added to ${jump} (${formatUnit(weightType)}), but its unit is ${doc.weight.unit}`);
    }
  } else {
    if (isPlastic(checks)) { checks.add('connection', 'per-connection variables and on_post need the state per postsynaptic neuron (stateOn "post")'); return undefined; }
    for (const s of onPre) checks.checkStatement('on_pre', s);
    weightType = weightDeclared ? internal(weightDeclared) : undefined;
    if (!doc.gather || !stateTypes.has(doc.gather)) {
      checks.add('gather', 'a synapse with state per presynaptic neuron names the state summed through the weights ("gather")');
      return undefined;
    }
  }
  if (!weightType) return undefined;

  if (doc.current === undefined) { checks.add('current', 'a synapse gives a current into its postsynaptic neuron, e.g. "g * (E - V_post)"'); return undefined; }
  const currentProblems: SourceError[] = [];
  const p = parseField(doc.current, currentProblems);
  checks.collect('current', currentProblems);
  if (!p) return undefined;
  const extra = new Map<string, DimType>([['V_post', MILLIVOLT]]);
  if (stateOn === 'pre') {
    const g = stateTypes.get(doc.gather!)!;
    extra.set('wsum', internal({ k: 'num', dim: weightType.dim.map((x, i) => x + g.dim[i]!) as unknown as NumType['dim'], scale: 1, factor: 1 }));
    // The states live per presynaptic neuron: the current reaches them through wsum only.
    for (const n of stateTypes.keys()) {
      if (reads(p.expr, n)) { checks.add('current', `with state per presynaptic neuron the current reads wsum, not ${n}`, p.line, columnOf(p, v(n))); return undefined; }
    }
  }
  if (!checks.namesOk('current', p, extra) || !checks.typed('current', p, NANOAMP, 'the current', extra)) return undefined;
  const current = checks.generated(p.expr);
  if (!current) return undefined;

  const weightUnit = unitString(weightType);
  const declared = weightDeclared && doc.weight?.unit ? weightDeclared : weightType;
  const weightDefault = (doc.weight?.default ?? 1) * Number((declared.scale / weightType.scale).toPrecision(15));
  return {
    spec: {
      stateOn,
      ...(jump ? { jump } : { gather: doc.gather! }),
      current: formatExpr(current),
      weightUnit,
      weightDefault,
      weightDoc: doc.weight?.doc || `Connection weight (${weightUnit}).`,
      ...(plasticity ? { plasticity } : {}),
    },
    onPre: stateOn === 'pre' ? onPre : [],
  };
}

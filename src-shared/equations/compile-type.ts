/**
 * A block type written as equations (type-schema.ts) → a BlockDef whose update code is in
 * the block update language, so that the compiler, both engines, probes and the docs treat
 * it exactly as a built-in. Called by the compiler for every type of a document, and meant
 * for an editor to call as the user types: it never throws on user input, it returns
 * diagnostics with field, line and column.
 *
 * Units: every name is checked with its dimension (Brian2's rules: a plain number is
 * dimensionless, only 0 goes with any unit). Parameters keep the unit they are declared in
 * (values are entered in it); the generated code multiplies each by its factor to the
 * internal unit (30 nS → 0.03 µS), which the engines fold into one number. States are held
 * in the internal unit of their dimension (assets/docs/models.md, "Units").
 */
import type { BlockDef, ParamDef, StateDef, SynapseSpec } from '../../kernels/types.js';
import { blockDef } from '../../kernels/index.js';
import { mapExpr, walk, type Expr } from '../expr/ast.js';
import { BUILTINS } from '../expr/builtins.js';
import {
  DimChecker, DimensionError, formatExpr, formatUnit, internalScale, unitType, UNIT_NAMES,
  type DimType, type NumType,
} from '../expr/dimensions.js';
import { checkCurrentUnits, checkUpdateUnits } from '../expr/block-units.js';
import { parseExpression, parseStatement } from '../expr/parse.js';
import { toUnit } from '../units.js';
import { defaultMethod, describeMethod, integrate, isNoise, methodProblem, type Ode, type Stmt } from './integrate.js';
import { lit, mul, v } from './linear.js';
import {
  columnOf, parseEquations, parseField, parseStatements, SourceError, unitText,
  type Equation, type EquationDiagnostic, type ParsedExpr, type ParsedStatement,
} from './parse-equations.js';
import { BlockTypeDoc, EQUATION_LIMITS, type IntegrationMethod } from './type-schema.js';

export type { EquationDiagnostic } from './parse-equations.js';

export interface CompiledType {
  /** The definition, when there is no diagnostic. */
  def?: BlockDef;
  /** The integration method chosen (given, or the default for these equations). */
  method?: IntegrationMethod;
  diagnostics: EquationDiagnostic[];
}

const IDENT = /^[A-Za-z][A-Za-z0-9_]*$/;
/** Names the generated code or the engines use; a parameter or state may not take them. */
const RESERVED = new Set(['t', 'dt', 'step', 'I', 'J', 'V_post', 'V_pre', 'wsum', 'spike', 'spike_in', 'refractory', 'lastspike', 'true', 'false']);
/** Functions equations may call (exp_euler is the schemes' business). */
const FUNCTIONS = Object.keys(BUILTINS).filter((f) => f !== 'exp_euler');
const TYPE_NAME = /^[a-z][a-z0-9_-]*$/;

const MS = unitType('ms');
const NANOAMP = unitType('nA');
const MILLIVOLT = unitType('mV');
/** White noise: 1/√ms. */
const NOISE: NumType = { k: 'num', dim: [-0.5, 0, 0, 0], scale: 1e-3 ** -0.5, factor: 1 };

const internal = (t: NumType): NumType => ({ k: 'num', dim: t.dim, scale: internalScale(t.dim), factor: 1 });
const perTime = (t: NumType): NumType => ({ k: 'num', dim: t.dim.map((x, i) => (i === 0 ? x - 1 : x)) as unknown as NumType['dim'], scale: internalScale(t.dim) / 1e-3, factor: 1 });
const stmtText = (s: Stmt): string => `${s.target} = ${formatExpr(s.expr)}`;

/** Compiles one block type; `type` is its name in the document. */
export function compileEquationType(type: string, input: unknown): CompiledType {
  const diagnostics: EquationDiagnostic[] = [];
  const add = (field: string, message: string, line = 0, column = 0) => diagnostics.push({ field, line, column, message });
  const collect = (field: string, problems: SourceError[]) => { for (const p of problems) add(field, p.message, p.line, p.column); };

  if (!TYPE_NAME.test(type)) add('type', `"${type}" is not a type name (lower-case letters, digits, - and _, starting with a letter)`);
  else if (blockDef(type)) add('type', `"${type}" is the name of a built-in block`);
  const parsedDoc = BlockTypeDoc.safeParse(input);
  if (!parsedDoc.success) {
    for (const issue of parsedDoc.error.issues) add(issue.path.map(String).join('.') || 'type', issue.message);
    return { diagnostics };
  }
  const doc = parsedDoc.data;

  // Parameters: declared unit (values are entered in it), checked at the internal scale.
  const params: Record<string, ParamDef> = {};
  const factors = new Map<string, number>();
  const scope = new Map<string, DimType>([['t', MS], ['dt', MS]]);
  const checkName = (field: string, name: string, line = 0): boolean => {
    const column = line > 0 ? 1 : 0;
    if (!IDENT.test(name)) { add(field, `"${name}" is not a name (a letter, then letters, digits and _)`, line, column); return false; }
    // w is the weight in a synapse's on_pre; a neuron may call its adaptation w.
    if (RESERVED.has(name) || isNoise(name) || (name === 'w' && doc.category === 'synapse')) { add(field, `"${name}" is reserved`, line, column); return false; }
    if (FUNCTIONS.includes(name)) { add(field, `"${name}" is a built-in function`, line, column); return false; }
    return true;
  };
  if (Object.keys(doc.params).length > 100) add('params', 'too many parameters (at most 100)');
  for (const [name, p] of Object.entries(doc.params)) {
    if (!checkName(`params.${name}`, name)) continue;
    let t: NumType;
    const unit = unitText(p.unit);
    try { t = unitType(unit); } catch (e) { add(`params.${name}.unit`, (e as Error).message); continue; }
    // Ratios of powers of ten, rounded off their last bits (1e-9 / 1e-6 is 0.0009999999999999998).
    factors.set(name, Number((t.scale / internalScale(t.dim)).toPrecision(15)));
    scope.set(name, internal(t));
    params[name] = {
      kind: 'quantity', unit, default: p.default, doc: p.doc,
      ...(p.min !== undefined ? { min: p.min } : {}), ...(p.exclusiveMin !== undefined ? { exclusiveMin: p.exclusiveMin } : {}),
      ...(p.max !== undefined ? { max: p.max } : {}),
    };
  }

  // Equations.
  const problems: SourceError[] = [];
  let equations: Equation[] = [];
  try { equations = parseEquations(doc.equations, problems); } catch (e) { if (e instanceof SourceError) problems.push(e); else throw e; }
  collect('equations', problems);
  const stateTypes = new Map<string, NumType>();
  const subTypes = new Map<string, NumType>();
  for (const eq of equations) {
    if (!checkName('equations', eq.name, eq.line)) continue;
    if (scope.has(eq.name) || stateTypes.has(eq.name) || subTypes.has(eq.name)) { add('equations', `"${eq.name}" is defined twice`, eq.line, 1); continue; }
    let t: NumType;
    try { t = internal(unitType(unitText(eq.unit))); } catch (e) { add('equations', (e as Error).message, eq.line, eq.text.lastIndexOf(eq.unit) + 1); continue; }
    if (eq.kind === 'differential') stateTypes.set(eq.name, t); else subTypes.set(eq.name, t);
  }
  if (stateTypes.size === 0 && diagnostics.length === 0) add('equations', 'no differential equation "dX/dt = … : unit"', 1, 1);
  for (const [n, t] of stateTypes) scope.set(n, t);
  for (const [n, t] of subTypes) scope.set(n, t);
  if (doc.category === 'neuron') scope.set('I', NANOAMP);
  if (doc.category === 'synapse' && doc.stateOn === 'pre') scope.set('spike_in', { k: 'bool' });

  const known = () => `parameters: ${Object.keys(params).join(', ') || 'none'}; states: ${[...stateTypes.keys()].join(', ') || 'none'}`;
  /** Unknown names and functions in an expression, as diagnostics; true when it is clean. */
  const namesOk = (field: string, p: ParsedExpr, extra: ReadonlyMap<string, DimType> = new Map(), noise = false): boolean => {
    let ok = true;
    walk(p.expr, (n) => {
      if (!ok) return;
      if (n.k === 'var' && !scope.has(n.name) && !extra.has(n.name) && !UNIT_NAMES.has(n.name) && !(noise && isNoise(n.name))) {
        add(field, `unknown name "${n.name}" (${known()})`, p.line, columnOf(p, n)); ok = false;
      }
      if (n.k === 'call') {
        if (!FUNCTIONS.includes(n.fn)) { add(field, `unknown function "${n.fn}" (known: ${FUNCTIONS.join(', ')})`, p.line, columnOf(p, n)); ok = false; }
        else if (BUILTINS[n.fn]!.arity !== n.args.length) { add(field, `${n.fn}() takes ${BUILTINS[n.fn]!.arity} argument(s), got ${n.args.length}`, p.line, columnOf(p, n)); ok = false; }
      }
    });
    return ok;
  };
  /** The unit-checked type of an expression, or undefined after a diagnostic. */
  const typed = (field: string, p: ParsedExpr, want: NumType | 'bool' | null, what: string, extra: ReadonlyMap<string, DimType> = new Map()): DimType | undefined => {
    const noise = new Map<string, DimType>([...extra]);
    walk(p.expr, (n) => { if (n.k === 'var' && isNoise(n.name) && field === 'equations') noise.set(n.name, NOISE); });
    const checker = new DimChecker(new Map([...scope, ...noise]), { strictLiterals: true });
    try {
      const t = checker.typeOf(p.expr);
      if (want === 'bool') {
        if (t.k !== 'bool') throw new DimensionError(`${what} must be a condition (true or false)`, p.expr);
      } else if (want) checker.require(t, want, p.expr, what);
      return t;
    } catch (e) {
      if (!(e instanceof DimensionError)) throw e;
      add(field, e.message, p.line, columnOf(p, e.at));
      return undefined;
    }
  };

  const diffs = equations.filter((e) => e.kind === 'differential' && stateTypes.has(e.name));
  const subs = equations.filter((e) => e.kind === 'subexpression' && subTypes.has(e.name));
  for (const eq of subs) if (namesOk('equations', eq)) typed('equations', eq, subTypes.get(eq.name)!, `${eq.name}`);
  for (const eq of diffs) {
    if (namesOk('equations', eq, new Map(), true)) typed('equations', eq, perTime(stateTypes.get(eq.name)!), `d${eq.name}/dt`);
  }

  // Subexpressions are inlined (as Brian2 does), in order; a cycle is refused.
  const inlined = new Map<string, Expr>();
  const inline = (e: Expr, seen: string[] = []): Expr => mapExpr(e, (n) => {
    if (n.k !== 'var' || !subTypes.has(n.name)) return n;
    if (seen.includes(n.name)) throw new Error(`subexpressions refer to each other in a cycle: ${[...seen, n.name].join(' → ')}`);
    if (!inlined.has(n.name)) inlined.set(n.name, inline(subs.find((s) => s.name === n.name)!.expr, [...seen, n.name]));
    return inlined.get(n.name)!;
  });
  /** Parameters in internal units: a factor other than 1 multiplies them (folded by the engines). */
  const normalise = (e: Expr): Expr => mapExpr(e, (n) => {
    const k = n.k === 'var' ? factors.get(n.name) : undefined;
    return k !== undefined && Math.abs(k - 1) > 1e-12 ? mul(n, lit(k)) : n;
  });
  const generated = (e: Expr): Expr | undefined => {
    try {
      const out = inline(e);
      // Subexpressions that use each other several times grow exponentially once substituted
      // (inlining shares them, so this is checked before anything walks the whole tree).
      if (exceeds(out, EQUATION_LIMITS.nodes * 10)) {
        throw new Error(`an expression is too long once its subexpressions are substituted (more than ${EQUATION_LIMITS.nodes * 10} terms)`);
      }
      return normalise(out);
    } catch (err) { add('equations', (err as Error).message); return undefined; }
  };

  // Refractoriness (neurons): a duration (text with a unit, or a parameter) or a condition.
  let refractory: Stmt | null = null;
  let usesLastSpike = false;
  if (doc.refractory !== undefined && doc.category === 'neuron') {
    let duration: Expr | undefined;
    // "2 ms" is written into the code as 2 * ms, so the code's units check (ms is 1, dropped).
    try { duration = { k: 'bin', op: '*', a: lit(toUnit(doc.refractory.trim(), 'ms')), b: v('ms') }; } catch { /* not a quantity: an expression */ }
    if (duration === undefined) {
      const rp: SourceError[] = [];
      const p = parseField(doc.refractory, rp);
      collect('refractory', rp);
      if (p && namesOk('refractory', p)) {
        const t = typed('refractory', p, null, 'refractory');
        if (t?.k === 'bool') refractory = { target: 'refractory', expr: generated(p.expr) ?? lit(0) };
        else if (t) {
          const ok = typed('refractory', p, MS, 'the refractory period');
          if (ok) duration = generated(p.expr);
        }
      }
    }
    if (duration !== undefined) {
      usesLastSpike = true;
      const steps = (x: Expr): Expr => ({ k: 'call', fn: 'round', args: [{ k: 'bin', op: '/', a: x, b: v('dt') }] });
      refractory = { target: 'refractory', expr: { k: 'bin', op: '<=', a: steps({ k: 'bin', op: '-', a: v('t'), b: v('lastspike') }), b: steps(duration) } };
    }
  }
  if (usesLastSpike) scope.set('lastspike', MS);

  // Threshold and reset (neurons).
  let threshold: Expr | undefined;
  const resets: ParsedStatement[] = [];
  if (doc.category === 'neuron') {
    if (doc.threshold !== undefined) {
      const tp: SourceError[] = [];
      const p = parseField(doc.threshold, tp);
      collect('threshold', tp);
      if (p && namesOk('threshold', p) && typed('threshold', p, 'bool', 'the threshold')) threshold = p.expr;
    }
    if (doc.reset !== undefined) {
      const rp: SourceError[] = [];
      resets.push(...parseStatements(doc.reset, rp));
      collect('reset', rp);
      for (const s of resets) checkStatement('reset', s);
    }
  } else if (doc.threshold !== undefined || doc.reset !== undefined || doc.refractory !== undefined) {
    add('category', 'threshold, reset and refractory belong to neurons');
  }

  function checkStatement(field: string, s: ParsedStatement, extra: ReadonlyMap<string, DimType> = new Map()): void {
    const t = stateTypes.get(s.target);
    if (!t) { add(field, `"${s.target}" is not a state (states: ${[...stateTypes.keys()].join(', ') || 'none'})`, s.line, s.targetColumn); return; }
    if (namesOk(field, s, extra)) typed(field, s, t, `the value assigned to ${s.target}`, extra);
  }

  // Synapses: on_pre, the current, the weight.
  let synapse: SynapseSpec | undefined;
  const onPre: ParsedStatement[] = [];
  if (doc.category === 'synapse') synapse = synapseSpec();

  function synapseSpec(): SynapseSpec | undefined {
    const stateOn = doc.stateOn ?? 'post';
    const op: SourceError[] = [];
    if (doc.on_pre === undefined) { add('on_pre', 'a synapse says what a presynaptic spike does, e.g. "g += w"'); return undefined; }
    onPre.push(...parseStatements(doc.on_pre, op));
    collect('on_pre', op);
    const weightDeclared = (() => {
      try { return unitType(unitText(doc.weight?.unit ?? '')); } catch (e) { add('weight.unit', (e as Error).message); return undefined; }
    })();
    let jump: string | undefined;
    let weightType: NumType | undefined;
    if (stateOn === 'post') {
      const s = onPre[0];
      const isJump = onPre.length === 1 && s && s.expr.k === 'bin' && s.expr.op === '+' && s.expr.a.k === 'var' && s.expr.a.name === s.target && s.expr.b.k === 'var' && s.expr.b.name === 'w';
      if (!isJump) { if (op.length === 0) add('on_pre', 'with state per postsynaptic neuron a spike adds its weight to one state: "g += w"', s?.line ?? 1, s?.column ?? 1); return undefined; }
      if (!stateTypes.has(s.target)) { add('on_pre', `"${s.target}" is not a state`, s.line, s.targetColumn); return undefined; }
      jump = s.target;
      weightType = stateTypes.get(jump)!;
      if (weightDeclared && doc.weight?.unit && !sameDims(weightDeclared, weightType)) {
        add('weight.unit', `the weight is added to ${jump} (${formatUnit(weightType)}), but its unit is ${doc.weight.unit}`);
      }
    } else {
      for (const s of onPre) checkStatement('on_pre', s);
      weightType = weightDeclared ? internal(weightDeclared) : undefined;
      if (!doc.gather || !stateTypes.has(doc.gather)) { add('gather', 'a synapse with state per presynaptic neuron names the state summed through the weights ("gather")'); return undefined; }
    }
    if (!weightType) return undefined;
    if (doc.current === undefined) { add('current', 'a synapse gives a current into its postsynaptic neuron, e.g. "g * (E - V_post)"'); return undefined; }
    const cp: SourceError[] = [];
    const p = parseField(doc.current, cp);
    collect('current', cp);
    if (!p) return undefined;
    const extra = new Map<string, DimType>([['V_post', MILLIVOLT]]);
    if (stateOn === 'pre') {
      const g = stateTypes.get(doc.gather!)!;
      extra.set('wsum', internal({ k: 'num', dim: weightType.dim.map((x, i) => x + g.dim[i]!) as unknown as NumType['dim'], scale: 1, factor: 1 }));
    }
    // In the current, states are per postsynaptic neuron only when they live there.
    if (stateOn === 'pre') for (const n of stateTypes.keys()) if (namesUse(p.expr, n)) { add('current', `with state per presynaptic neuron the current reads wsum, not ${n}`, p.line, columnOf(p, v(n))); return undefined; }
    if (!namesOk('current', p, extra) || !typed('current', p, NANOAMP, 'the current', extra)) return undefined;
    const weightUnit = unitString(weightType);
    const declared = weightDeclared && doc.weight?.unit ? weightDeclared : weightType;
    const weightDefault = (doc.weight?.default ?? 1) * Number((declared.scale / weightType.scale).toPrecision(15));
    return {
      stateOn,
      ...(jump ? { jump } : { gather: doc.gather! }),
      current: formatExpr(generated(p.expr) ?? p.expr),
      weightUnit,
      weightDefault,
      weightDoc: doc.weight?.doc || `Connection weight (${weightUnit}).`,
    };
  }

  // Code generation: right-hand sides with subexpressions substituted, in internal units; the
  // default method is chosen on them (a subexpression may make an equation non-linear).
  const rhs = diagnostics.length > 0 ? [] : diffs.map((d) => generated(d.expr));
  if (diagnostics.length > 0) return { ...(doc.method ? { method: doc.method } : {}), diagnostics };
  const odes: Ode[] = diffs.map((d, k) => ({ name: d.name, f: rhs[k]!, unlessRefractory: d.flags.includes('unless refractory') }));
  const method = doc.method ?? defaultMethod(odes);
  const problem = methodProblem(method, odes);
  if (problem) { add('method', problem); return { method, diagnostics }; }
  const code: Stmt[] = [];
  if (refractory) code.push(refractory);
  code.push(...integrate(odes, method, refractory ? 'refractory' : null));
  if (doc.category === 'neuron') {
    const fires: Expr = threshold ? generated(threshold)! : { k: 'bool', v: false };
    code.push({ target: 'spike', expr: refractory ? { k: 'bin', op: '&&', a: { k: 'not', a: v('refractory') }, b: fires } : fires });
    for (const s of resets) code.push({ target: s.target, expr: { k: 'cond', c: v('spike'), a: generated(s.expr)!, b: v(s.target) } });
    if (usesLastSpike) code.push({ target: 'lastspike', expr: { k: 'cond', c: v('spike'), a: v('t'), b: v('lastspike') } });
  } else if (synapse?.stateOn === 'pre') {
    for (const s of onPre) code.push({ target: s.target, expr: { k: 'cond', c: v('spike_in'), a: generated(s.expr)!, b: v(s.target) } });
  }

  // The engines print every statement (RK4 repeats each right-hand side four times).
  const budget = EQUATION_LIMITS.nodes * 50;
  let used = 0;
  for (const s of code) {
    if (exceeds(s.expr, budget - used)) { add('equations', `the generated code is too long (more than ${budget} terms); simplify the equations or choose a simpler method`); return { method, diagnostics }; }
    used += size(s.expr);
  }

  // States: internal unit of their dimension; initial values in it.
  const states: Record<string, StateDef> = {};
  for (const name of Object.keys(doc.states)) {
    if (!stateTypes.has(name)) add(`states.${name}`, `"${name}" has no differential equation (states: ${[...stateTypes.keys()].join(', ')})`);
  }
  const initScope = new Map<string, DimType>([...Object.keys(params).map((n): [string, DimType] => [n, scope.get(n)!])]);
  for (const d of diffs) {
    const t = stateTypes.get(d.name)!;
    const given = doc.states[d.name];
    const declared = unitType(unitText(d.unit));
    const k = Number((declared.scale / t.scale).toPrecision(15));
    let init = '0';
    if (typeof given?.init === 'number') init = String(given.init * k);
    else if (given?.init !== undefined && given.init.trim() !== '0') {
      const ip: SourceError[] = [];
      const p = parseField(given.init, ip);
      collect(`states.${d.name}.init`, ip);
      if (p) {
        const checker = new DimChecker(initScope, { strictLiterals: true });
        try {
          const it = checker.typeOf(p.expr);
          if (it.k === 'num' && it.literal !== undefined) init = String(it.literal * k);
          else {
            checker.require(it, t, p.expr, `the initial value of ${d.name}`);
            init = formatExpr(normalise(p.expr));
          }
        } catch (e) {
          if (!(e instanceof DimensionError)) throw e;
          add(`states.${d.name}.init`, e.message, p.line, columnOf(p, e.at));
        }
      }
    }
    initScope.set(d.name, t);
    states[d.name] = { unit: unitString(t), init, doc: given?.doc || `State ${d.name} (${unitString(t)}).` };
  }
  if (usesLastSpike) states.lastspike = { unit: 'ms', init: '-1e7', doc: 'Time of the last spike (for the refractory period).' };
  for (const [name, t] of stateTypes) {
    try { unitType(unitString(t)); } catch { add('equations', `the unit of ${name} (${unitString(t)}) cannot be held by a state`); }
  }
  if (diagnostics.length > 0) return { method, diagnostics };

  const description = describeMethod(method, odes);
  const base = {
    type,
    title: doc.title ?? type,
    doc: `${doc.doc ? `${doc.doc} ` : ''}Equation block, integrated by ${description}.`,
    references: ['Defined in the project (equations).'],
    template: 'elementwise' as const,
    params,
    states,
    update: code.map(stmtText),
    integration: description,
  };
  if (doc.category === 'neuron') {
    const voltage = doc.voltage ?? [...stateTypes].find(([, t]) => sameDims(t, MILLIVOLT))?.[0];
    if (doc.voltage !== undefined && !sameDims(stateTypes.get(doc.voltage) ?? NANOAMP, MILLIVOLT)) {
      add('voltage', `"${doc.voltage}" is not a state in volts`);
      return { method, diagnostics };
    }
    return selfChecked({
      ...base,
      category: 'neuron',
      sized: true,
      inputs: { I: { type: 'current', unit: 'nA', doc: 'Input current: the sum of all connected synapses and current sources.' } },
      outputs: {
        spikes: { type: 'spikes', doc: 'Spikes emitted in the step.' },
        ...(voltage ? { [voltage]: { type: 'voltage' as const, unit: 'mV', doc: 'Membrane potential.' } } : {}),
      },
      ...(voltage ? { voltage } : {}),
    }, method);
  }
  return selfChecked({
    ...base,
    category: 'synapse',
    sized: false,
    inputs: { pre: { type: 'spikes', doc: 'Presynaptic spikes.', required: true } },
    outputs: { post: { type: 'current', unit: 'nA', doc: 'Current into the postsynaptic neuron block.', required: true } },
    synapse: synapse!,
  }, method);
}

/**
 * The compiler checks the units of the generated code again, as of every block; doing it
 * here too means an editor never shows a type as fine that the compiler then refuses.
 */
function selfChecked(def: BlockDef, method: IntegrationMethod): CompiledType {
  try {
    const statements = def.update.map((line) => parseStatement(line));
    checkUpdateUnits(def, def.update, statements, undefined);
    if (def.synapse) checkCurrentUnits(def, parseExpression(def.synapse.current as string), undefined);
  } catch (e) {
    return { method, diagnostics: [{ field: 'equations', line: 0, column: 0, message: `the generated code does not check (a fault of Spikeflow, please report it): ${(e as Error).message}` }] };
  }
  return { def, method, diagnostics: [] };
}

function sameDims(a: NumType, b: NumType): boolean {
  return a.dim.every((x, i) => Math.abs(x - b.dim[i]!) < 1e-9);
}

/** The internal unit of a type as text units.ts reads ("mV", "nA", "ms·nA"). */
function unitString(t: NumType): string {
  const s = formatUnit(internal(t));
  return s === '1' ? '' : s;
}

/** Whether a tree has more than `cap` nodes; stops counting there (a shared subtree counts each time). */
function exceeds(e: Expr, cap: number): boolean {
  let n = 0;
  const visit = (x: Expr): boolean => {
    if (++n > cap) return true;
    switch (x.k) {
      case 'neg': case 'not': return visit(x.a);
      case 'bin': return visit(x.a) || visit(x.b);
      case 'cond': return visit(x.c) || visit(x.a) || visit(x.b);
      case 'call': return x.args.some(visit);
      default: return false;
    }
  };
  return visit(e);
}

/** Nodes of a tree (called on trees already known to be within a budget). */
function size(e: Expr): number {
  let n = 0;
  walk(e, () => { n++; });
  return n;
}

function namesUse(e: Expr, name: string): boolean {
  let found = false;
  walk(e, (n) => { if (n.k === 'var' && n.name === name) found = true; });
  return found;
}

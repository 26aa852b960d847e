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
import type { BlockDef, ParamDef } from '../../kernels/types.js';
import { blockDef } from '../../kernels/index.js';
import type { Expr } from '../expr/ast.js';
import { checkCurrentUnits, checkUpdateUnits } from '../expr/block-units.js';
import { formatExpr, internalScale, unitType, type NumType } from '../expr/dimensions.js';
import { parseExpression, parseStatement } from '../expr/parse.js';
import { defaultMethod, describeMethod, integrate, isNoise, methodProblem, type Ode, type Stmt } from './integrate.js';
import { v } from './linear.js';
import {
  parseEquations, parseField, parseStatements, SourceError, unitText,
  type Equation, type EquationDiagnostic, type ParsedStatement,
} from './parse-equations.js';
import { refractoriness } from './refractory.js';
import { synapsePart } from './synapse-spec.js';
import { exceeds, FUNCTIONS, internal, MILLIVOLT, MS, NANOAMP, sameDims, size, TypeChecks } from './type-checks.js';
import { BlockTypeDoc, EQUATION_LIMITS, type IntegrationMethod } from './type-schema.js';
import { stateDefs } from './type-states.js';

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
const TYPE_NAME = /^[a-z][a-z0-9_-]*$/;
const MAX_PARAMS = 100;

const perTime = (t: NumType): NumType => ({ k: 'num', dim: t.dim.map((x, i) => (i === 0 ? x - 1 : x)) as unknown as NumType['dim'], scale: internalScale(t.dim) / 1e-3, factor: 1 });
const stmtText = (s: Stmt): string => `${s.target} = ${formatExpr(s.expr)}`;
const cond = (c: string, a: Expr, b: string): Expr => ({ k: 'cond', c: v(c), a, b: v(b) });

/** Compiles one block type; `type` is its name in the document. */
export function compileEquationType(type: string, input: unknown): CompiledType {
  const nameProblem = !TYPE_NAME.test(type)
    ? `"${type}" is not a type name (lower-case letters, digits, - and _, starting with a letter)`
    : blockDef(type) ? `"${type}" is the name of a built-in block` : undefined;
  const parsedDoc = BlockTypeDoc.safeParse(input);
  if (!parsedDoc.success) {
    return {
      diagnostics: [
        ...(nameProblem ? [{ field: 'type', line: 0, column: 0, message: nameProblem }] : []),
        ...parsedDoc.error.issues.map((i) => ({ field: i.path.map(String).join('.') || 'type', line: 0, column: 0, message: i.message })),
      ],
    };
  }
  const doc = parsedDoc.data;
  const checks = new TypeChecks(doc);
  if (nameProblem) checks.add('type', nameProblem);
  const { scope, stateTypes, subTypes } = checks;
  scope.set('t', MS);
  scope.set('dt', MS);

  const checkName = (field: string, name: string, line = 0): boolean => {
    const column = line > 0 ? 1 : 0;
    if (!IDENT.test(name)) { checks.add(field, `"${name}" is not a name (a letter, then letters, digits and _)`, line, column); return false; }
    // w is the weight in a synapse's on_pre; a neuron may call its adaptation w.
    if (RESERVED.has(name) || isNoise(name) || (name === 'w' && doc.category === 'synapse')) { checks.add(field, `"${name}" is reserved`, line, column); return false; }
    if (FUNCTIONS.includes(name)) { checks.add(field, `"${name}" is a built-in function`, line, column); return false; }
    return true;
  };

  // Parameters: declared unit (values are entered in it), checked at the internal scale.
  const params: Record<string, ParamDef> = {};
  if (Object.keys(doc.params).length > MAX_PARAMS) checks.add('params', `too many parameters (at most ${MAX_PARAMS})`);
  for (const [name, p] of Object.entries(doc.params)) {
    if (!checkName(`params.${name}`, name)) continue;
    const unit = unitText(p.unit);
    let t: NumType;
    try { t = unitType(unit); } catch (e) { checks.add(`params.${name}.unit`, (e as Error).message); continue; }
    // Ratios of powers of ten, rounded off their last bits (1e-9 / 1e-6 is 0.0009999999999999998).
    checks.factors.set(name, Number((t.scale / internalScale(t.dim)).toPrecision(15)));
    scope.set(name, internal(t));
    params[name] = {
      kind: 'quantity', unit, default: p.default, doc: p.doc,
      ...(p.min !== undefined ? { min: p.min } : {}), ...(p.exclusiveMin !== undefined ? { exclusiveMin: p.exclusiveMin } : {}),
      ...(p.max !== undefined ? { max: p.max } : {}),
    };
  }

  // Equations: states and subexpressions with their units, then every right-hand side checked.
  const problems: SourceError[] = [];
  let equations: Equation[] = [];
  try { equations = parseEquations(doc.equations, problems); } catch (e) { if (e instanceof SourceError) problems.push(e); else throw e; }
  checks.collect('equations', problems);
  for (const eq of equations) {
    if (!checkName('equations', eq.name, eq.line)) continue;
    if (scope.has(eq.name) || stateTypes.has(eq.name) || subTypes.has(eq.name)) { checks.add('equations', `"${eq.name}" is defined twice`, eq.line, 1); continue; }
    let t: NumType;
    try { t = internal(unitType(unitText(eq.unit))); } catch (e) { checks.add('equations', (e as Error).message, eq.line, eq.text.lastIndexOf(eq.unit) + 1); continue; }
    (eq.kind === 'differential' ? stateTypes : subTypes).set(eq.name, t);
  }
  if (stateTypes.size === 0 && checks.diagnostics.length === 0) checks.add('equations', 'no differential equation "dX/dt = … : unit"', 1, 1);
  for (const [n, t] of [...stateTypes, ...subTypes]) scope.set(n, t);
  if (doc.category === 'neuron') scope.set('I', NANOAMP);
  if (doc.category === 'synapse' && doc.stateOn === 'pre') scope.set('spike_in', { k: 'bool' });
  const differentials = equations.filter((e) => e.kind === 'differential' && stateTypes.has(e.name));
  const subexpressions = equations.filter((e) => e.kind === 'subexpression' && subTypes.has(e.name));
  checks.setSubexpressions(subexpressions);
  for (const eq of subexpressions) if (checks.namesOk('equations', eq)) checks.typed('equations', eq, subTypes.get(eq.name)!, eq.name);
  for (const eq of differentials) {
    if (checks.namesOk('equations', eq, new Map(), true)) checks.typed('equations', eq, perTime(stateTypes.get(eq.name)!), `d${eq.name}/dt`);
  }

  // Neurons: refractoriness, threshold and reset. Synapses: on_pre, current, weight.
  let refractory: ReturnType<typeof refractoriness> = { statement: null, usesLastSpike: false };
  let threshold: Expr | undefined;
  const resets: ParsedStatement[] = [];
  let synapse: ReturnType<typeof synapsePart>;
  if (doc.category === 'neuron') {
    refractory = refractoriness(checks);
    if (refractory.usesLastSpike) scope.set('lastspike', MS);
    if (doc.threshold !== undefined) {
      const tp: SourceError[] = [];
      const p = parseField(doc.threshold, tp);
      checks.collect('threshold', tp);
      if (p && checks.namesOk('threshold', p) && checks.typed('threshold', p, 'bool', 'the threshold')) threshold = p.expr;
    }
    if (doc.reset !== undefined) {
      const rp: SourceError[] = [];
      resets.push(...parseStatements(doc.reset, rp));
      checks.collect('reset', rp);
      for (const s of resets) checks.checkStatement('reset', s);
    }
  } else {
    if (doc.threshold !== undefined || doc.reset !== undefined || doc.refractory !== undefined) {
      checks.add('category', 'threshold, reset and refractory belong to neurons');
    }
    synapse = synapsePart(checks);
  }

  // Code generation: right-hand sides with subexpressions substituted, in internal units; the
  // default method is chosen on them (a subexpression may make an equation non-linear).
  const rhs = checks.diagnostics.length > 0 ? [] : differentials.map((d) => checks.generated(d.expr));
  if (checks.diagnostics.length > 0) return { ...(doc.method ? { method: doc.method } : {}), diagnostics: checks.diagnostics };
  const odes: Ode[] = differentials.map((d, k) => ({ name: d.name, f: rhs[k]!, unlessRefractory: d.flags.includes('unless refractory') }));
  const method = doc.method ?? defaultMethod(odes);
  const failed = (): CompiledType => ({ method, diagnostics: checks.diagnostics });
  const problem = methodProblem(method, odes);
  if (problem) { checks.add('method', problem); return failed(); }

  const code: Stmt[] = [];
  const gen = (e: Expr): Expr => checks.generated(e) ?? e;
  if (refractory.statement) code.push(refractory.statement);
  code.push(...integrate(odes, method, refractory.statement ? 'refractory' : null));
  if (doc.category === 'neuron') {
    const fires: Expr = threshold ? gen(threshold) : { k: 'bool', v: false };
    code.push({ target: 'spike', expr: refractory.statement ? { k: 'bin', op: '&&', a: { k: 'not', a: v('refractory') }, b: fires } : fires });
    for (const s of resets) code.push({ target: s.target, expr: cond('spike', gen(s.expr), s.target) });
    if (refractory.usesLastSpike) code.push({ target: 'lastspike', expr: cond('spike', v('t'), 'lastspike') });
  } else {
    for (const s of synapse?.onPre ?? []) code.push({ target: s.target, expr: cond('spike_in', gen(s.expr), s.target) });
  }
  // The engines print every statement (RK4 repeats each right-hand side four times).
  const budget = EQUATION_LIMITS.nodes * 50;
  let used = 0;
  for (const s of code) {
    if (exceeds(s.expr, budget - used)) {
      checks.add('equations', `the generated code is too long (more than ${budget} terms); simplify the equations or choose a simpler method`);
      return failed();
    }
    used += size(s.expr);
  }

  const states = stateDefs(checks, differentials, refractory.usesLastSpike);
  if (checks.diagnostics.length > 0) return failed();

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
    if (doc.voltage !== undefined && !sameDims(stateTypes.get(doc.voltage) ?? NANOAMP, MILLIVOLT)) {
      checks.add('voltage', `"${doc.voltage}" is not a state in volts`);
      return failed();
    }
    const voltage = doc.voltage ?? [...stateTypes].find(([, t]) => sameDims(t, MILLIVOLT))?.[0];
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
    synapse: synapse!.spec,
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

/**
 * Plastic synapses written as equations (assets/docs/models.md, "Plasticity"), as Brian2
 * users write them: per-connection variables in `connection`, each relaxing between events
 * (`dApre/dt = -Apre / taupre : 1 (event-driven)`, or `(R - X) / tau` towards a constant R;
 * tau a parameter), `on_pre` with the one statement that adds to the postsynaptic state
 * (`ge += w`, or `g += w * u * x`) and statements on `w` and the connection variables, and
 * `on_post` with statements on them. The result is the PlasticitySpec the built-in plastic
 * synapses use: the jump statement becomes `delivered = …` where it stands. Brian2's
 * "w : 1" line in `connection` is accepted (its unit checked), and its clip(x, low, high)
 * is written out as min(max(…)) by the parser (parse-equations.ts).
 */
import type { ConnectionStateDef, PlasticitySpec } from '../../kernels/types.js';
import { formatExpr, unitType, type DimType, type NumType } from '../expr/dimensions.js';
import type { Expr } from '../expr/ast.js';
import { parseEquations, parseStatements, unitText, type ParsedStatement, type SourceError } from './parse-equations.js';
import { internal, MS, sameDims, type TypeChecks } from './type-checks.js';
import { unitString } from './synapse-spec.js';

const EVENT_DRIVEN = /\(\s*event-driven\s*\)\s*$/;
/** Brian2's declaration of the weight, "w : 1" or "w : uS" (a comment may follow). */
const WEIGHT_LINE = /^\s*w\s*:\s*([^#]*?)\s*(#.*)?$/;

/** tau and the rest value R of `-X / tau` or `(R - X) / tau` (R a number), or null. */
function decayForm(e: Expr, x: string): { tau: string; rest: number } | null {
  if (e.k !== 'bin' || e.op !== '/' || e.b.k !== 'var') return null;
  const tau = e.b.name;
  const a = e.a;
  if (a.k === 'neg' && a.a.k === 'var' && a.a.name === x) return { tau, rest: 0 };
  if (a.k === 'bin' && a.op === '-' && a.b.k === 'var' && a.b.name === x) {
    if (a.a.k === 'num') return { tau, rest: a.a.v };
    if (a.a.k === 'neg' && a.a.a.k === 'num') return { tau, rest: -a.a.a.v };
  }
  return null;
}

export interface PlasticPart {
  jump: string;
  plasticity: PlasticitySpec;
}

/** Names of the per-connection variables a type declares (`dX/dt` in `connection`). */
export function connectionNames(doc: { connection?: string | undefined }): Set<string> {
  return new Set([...(doc.connection ?? '').matchAll(/\bd([A-Za-z_]\w*)\s*\/\s*dt\b/g)].map((m) => m[1]!));
}

/** Whether a synapse type is plastic: it has per-connection variables or on_post. */
export function isPlastic(checks: TypeChecks): boolean {
  return checks.doc.connection !== undefined || checks.doc.on_post !== undefined;
}

/** The plastic part of a synapse with state per postsynaptic neuron, or undefined after diagnostics. */
export function plasticPart(checks: TypeChecks, onPre: ParsedStatement[]): PlasticPart | undefined {
  const { doc, stateTypes, scope } = checks;
  const before = checks.diagnostics.length;
  // Per-connection variables.
  const problems: SourceError[] = [];
  // Brian2 declares the weight among the per-connection variables ("w : 1"); here it is always
  // there, so its line only names its unit, checked below against the state it adds to.
  let wLine: { line: number; unit: string } | undefined;
  const text = (doc.connection ?? '').split('\n').map((l, i) => {
    const w = WEIGHT_LINE.exec(l);
    if (w) { wLine = { line: i + 1, unit: w[1]! }; return ''; }
    return l.replace(EVENT_DRIVEN, '');
  }).join('\n');
  const equations = text.trim() === '' ? [] : parseEquations(text, problems);
  checks.collect('connection', problems);
  const types = new Map<string, NumType>();
  const states: Record<string, ConnectionStateDef> = {};
  for (const eq of equations) {
    const where = (m: string) => checks.add('connection', m, eq.line, 1);
    if (eq.kind !== 'differential') { where(`"${eq.name}": a per-connection variable is "d${eq.name}/dt = -${eq.name} / tau : unit"`); continue; }
    if (eq.name === 'w' || scope.has(eq.name) || stateTypes.has(eq.name) || types.has(eq.name)) { where(`"${eq.name}" is defined twice`); continue; }
    let declared: NumType;
    try { declared = unitType(unitText(eq.unit)); } catch (e) { where((e as Error).message); continue; }
    const t = internal(declared);
    const form = decayForm(eq.expr, eq.name);
    const tauType = form ? scope.get(form.tau) : undefined;
    types.set(eq.name, t); // known to the event code even when its equation is refused (one diagnostic, not a cascade)
    if (!form || !checks.factors.has(form.tau) || !tauType || tauType.k !== 'num' || !sameDims(tauType, MS)) {
      where(`"${eq.name}" relaxes between events towards a constant: "d${eq.name}/dt = -${eq.name} / tau" or "(R - ${eq.name}) / tau", tau a parameter in time units`);
      continue;
    }
    const k = Number((declared.scale / t.scale).toPrecision(15));
    const given = doc.states[eq.name];
    const init = typeof given?.init === 'number' ? given.init * k : given?.init === undefined || given.init.trim() === '0' ? 0 : Number(given.init) * k;
    if (!Number.isFinite(init)) { checks.add(`states.${eq.name}.init`, 'a per-connection variable starts at a number'); continue; }
    const tauScale = checks.factors.get(form.tau)!;
    states[eq.name] = {
      unit: unitString(t), init, tau: form.tau, rest: form.rest * k,
      ...(Math.abs(tauScale - 1) > 1e-12 ? { tauScale } : {}), doc: given?.doc || `Per-connection ${eq.name}.`,
    };
  }
  // on_pre: exactly one statement adds to a postsynaptic state (what the spike delivers).
  const jumps = onPre.filter((s) => stateTypes.has(s.target));
  if (jumps.length !== 1) {
    checks.add('on_pre', 'a plastic synapse adds to one postsynaptic state in on_pre, e.g. "ge += w"', jumps[1]?.line ?? 1, 1);
    return undefined;
  }
  const jumpStatement = jumps[0]!;
  const jump = jumpStatement.target;
  const e = jumpStatement.expr;
  if (e.k !== 'bin' || e.op !== '+' || e.a.k !== 'var' || e.a.name !== jump) {
    checks.add('on_pre', `"${jump}" is added to: "${jump} += …"`, jumpStatement.line, jumpStatement.targetColumn);
    return undefined;
  }
  const weight = stateTypes.get(jump)!;
  if (wLine) {
    let declared: NumType | undefined;
    try { declared = unitType(unitText(wLine.unit || '1')); } catch (err) { checks.add('connection', (err as Error).message, wLine.line, 1); }
    if (declared && !sameDims(declared, weight)) {
      checks.add('connection', `"w : ${wLine.unit}": the weight is added to ${jump}, so it has ${jump}'s unit (${unitString(weight) || '1'})`, wLine.line, 1);
    }
  }
  const extra = new Map<string, DimType>([['w', weight], ...types]);
  const writable = new Map<string, NumType>([['w', weight], ...types]);
  const code = (field: 'on_pre' | 'on_post', list: ParsedStatement[]): string[] => list.map((s) => {
    if (s === jumpStatement) {
      const delivered = { ...s, expr: e.b };
      if (checks.namesOk(field, delivered, extra)) checks.typed(field, delivered, weight, `what a spike adds to ${jump}`, extra);
      return `delivered = ${formatExpr(checks.generated(e.b) ?? e.b)}`;
    }
    const t = writable.get(s.target);
    if (!t) { checks.add(field, `"${s.target}" is not w or a per-connection variable (${[...writable.keys()].join(', ')})`, s.line, s.targetColumn); return ''; }
    if (checks.namesOk(field, s, extra)) checks.typed(field, s, t, `the value assigned to ${s.target}`, extra);
    return `${s.target} = ${formatExpr(checks.generated(s.expr) ?? s.expr)}`;
  });
  const postProblems: SourceError[] = [];
  const onPost = doc.on_post === undefined ? [] : parseStatements(doc.on_post, postProblems);
  checks.collect('on_post', postProblems);
  const plasticity: PlasticitySpec = { states, onPre: code('on_pre', onPre), onPost: code('on_post', onPost) };
  return checks.diagnostics.length > before ? undefined : { jump, plasticity };
}

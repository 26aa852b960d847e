/**
 * Integration schemes: differential equations → update statements in the block update
 * language, which both engines already print. Every scheme reads the start-of-step values
 * of all states (a state's new value goes to a temporary until every equation is stepped,
 * unless there is only one), as Brian2's state updaters do.
 *  - exact: linear equations with coefficients that no state changes: exponential Euler
 *    is then exact for inputs held over the step;
 *  - exponential_euler: each equation linear in its own variable (conditionally linear);
 *  - euler: X + dt·f; white noise `xi` (units 1/√ms) adds g·√dt·randn() (Euler–Maruyama);
 *  - rk2 (midpoint) and rk4 (classic Runge–Kutta), t advanced inside the step.
 */
import { freeNames, mapExpr, type Expr } from '../expr/ast.js';
import type { IntegrationMethod } from './type-schema.js';
import { add, div, lit, linearIn, mul, neg, over, v } from './linear.js';

export interface Ode {
  name: string;
  /** The right-hand side, subexpressions inlined, in internal units. */
  f: Expr;
  unlessRefractory: boolean;
}

export interface Stmt {
  target: string;
  expr: Expr;
}

export const isNoise = (name: string) => /^xi(_[A-Za-z0-9_]+)?$/.test(name);

/** The white-noise names an expression uses (xi, xi_1…). */
export function noiseNames(e: Expr): string[] {
  return [...freeNames(e)].filter(isNoise).sort();
}

/** Why a method cannot step these equations, or null. */
export function methodProblem(method: IntegrationMethod, odes: readonly Ode[]): string | null {
  const noisy = odes.filter((o) => noiseNames(o.f).length > 0);
  if (noisy.length > 0 && method !== 'euler') {
    return `d${noisy[0]!.name}/dt has white noise (xi): stochastic equations are integrated by Euler–Maruyama, method "euler"`;
  }
  if (method === 'exponential_euler' || method === 'exact') {
    for (const o of odes) {
      const l = linearIn(o.f, o.name);
      if (!l) return `d${o.name}/dt is not linear in ${o.name}: ${method} cannot step it (choose euler, rk2 or rk4)`;
      if (method === 'exact') {
        const states = new Set(odes.map((x) => x.name));
        const uses = [...freeNames(l.a), ...freeNames(l.b), ...(l.den ? freeNames(l.den) : [])].filter((n) => states.has(n) || n === 't');
        if (uses.length > 0) return `d${o.name}/dt depends on ${uses[0]}: "exact" needs linear equations with constant coefficients (use exponential_euler)`;
      }
    }
  }
  return null;
}

/** The method used when a block names none, and how it is described. */
export function defaultMethod(odes: readonly Ode[]): IntegrationMethod {
  if (odes.some((o) => noiseNames(o.f).length > 0)) return 'euler';
  return odes.every((o) => linearIn(o.f, o.name)) ? 'exponential_euler' : 'euler';
}

/** Words for --explain: "Euler–Maruyama" when euler meets noise. */
export function describeMethod(method: IntegrationMethod, odes: readonly Ode[]): string {
  const noisy = odes.some((o) => noiseNames(o.f).length > 0);
  const names: Record<IntegrationMethod, string> = {
    exact: 'exact (linear, constant coefficients)',
    exponential_euler: 'exponential Euler',
    euler: noisy ? 'Euler–Maruyama' : 'forward Euler',
    rk2: 'RK2 (midpoint)',
    rk4: 'RK4',
  };
  return names[method];
}

const dtE = v('dt');

function rename(e: Expr, names: ReadonlyMap<string, Expr>): Expr {
  return mapExpr(e, (n) => (n.k === 'var' && names.has(n.name) ? names.get(n.name)! : n));
}

function expEulerStep(o: Ode): Expr {
  const l = linearIn(o.f, o.name)!;
  if (l.b.k === 'num' && l.b.v === 0) return add(v(o.name), mul(dtE, over(l.a, l.den)));
  const xInf = div(neg(l.a), l.b);
  const tau = div(neg(l.den ?? lit(1)), l.b);
  return { k: 'call', fn: 'exp_euler', args: [v(o.name), xInf, tau] };
}

function eulerStep(o: Ode): Expr {
  let det = o.f;
  let noise: Expr = lit(0);
  for (const xi of noiseNames(o.f)) {
    const l = linearIn(det, xi);
    if (!l) throw new Error(`d${o.name}/dt must be linear in ${xi}`);
    det = over(l.a, l.den);
    noise = add(noise, mul(mul(over(l.b, l.den), { k: 'call', fn: 'sqrt', args: [dtE] }), { k: 'call', fn: 'randn', args: [] }));
  }
  return add(add(v(o.name), mul(dtE, det)), noise);
}

/** Runge–Kutta stage: every state X replaced by `X + c·dt·k_X`, t by t + c·dt. */
function stageNames(odes: readonly Ode[], prefix: string): Map<string, Expr> {
  return new Map(odes.map((o) => [o.name, v(`${prefix}_${o.name}`)]));
}

function rkSteps(odes: readonly Ode[], method: 'rk2' | 'rk4', out: Stmt[]): Map<string, Expr> {
  const half = mul(lit(0.5), dtE);
  const atStage = (f: Expr, states: Map<string, Expr>, tShift: Expr | null): Expr =>
    rename(f, new Map<string, Expr>([...states, ...(tShift ? [['t', add(v('t'), tShift)] as [string, Expr]] : [])]));
  const k1 = stageNames(odes, '_k1');
  for (const o of odes) out.push({ target: `_k1_${o.name}`, expr: o.f });
  const point = (k: Map<string, Expr>, c: Expr, prefix: string) => {
    for (const o of odes) out.push({ target: `${prefix}_${o.name}`, expr: add(v(o.name), mul(c, k.get(o.name)!)) });
    return stageNames(odes, prefix);
  };
  if (method === 'rk2') {
    const mid = point(k1, half, '_x2');
    for (const o of odes) out.push({ target: `_k2_${o.name}`, expr: atStage(o.f, mid, half) });
    return new Map(odes.map((o) => [o.name, add(v(o.name), mul(dtE, v(`_k2_${o.name}`)))]));
  }
  const x2 = point(k1, half, '_x2');
  for (const o of odes) out.push({ target: `_k2_${o.name}`, expr: atStage(o.f, x2, half) });
  const x3 = point(stageNames(odes, '_k2'), half, '_x3');
  for (const o of odes) out.push({ target: `_k3_${o.name}`, expr: atStage(o.f, x3, half) });
  const x4 = point(stageNames(odes, '_k3'), dtE, '_x4');
  for (const o of odes) out.push({ target: `_k4_${o.name}`, expr: atStage(o.f, x4, dtE) });
  return new Map(odes.map((o) => {
    const sum = add(add(add(v(`_k1_${o.name}`), mul(lit(2), v(`_k2_${o.name}`))), mul(lit(2), v(`_k3_${o.name}`))), v(`_k4_${o.name}`));
    return [o.name, add(v(o.name), mul(div(dtE, lit(6)), sum))];
  }));
}

/**
 * Statements that step every equation once. `refractory` names the local that holds a
 * neuron's refractory state; equations flagged (unless refractory) keep their value then.
 */
export function integrate(odes: readonly Ode[], method: IntegrationMethod, refractory: string | null): Stmt[] {
  const out: Stmt[] = [];
  let next: Map<string, Expr>;
  if (method === 'rk2' || method === 'rk4') next = rkSteps(odes, method, out);
  else next = new Map(odes.map((o) => [o.name, method === 'euler' ? eulerStep(o) : expEulerStep(o)]));
  const hold = (o: Ode, e: Expr): Expr => (o.unlessRefractory && refractory ? { k: 'cond', c: v(refractory), a: v(o.name), b: e } : e);
  if (odes.length === 1) {
    const o = odes[0]!;
    out.push({ target: o.name, expr: hold(o, next.get(o.name)!) });
    return out;
  }
  for (const o of odes) out.push({ target: `_new_${o.name}`, expr: next.get(o.name)! });
  for (const o of odes) out.push({ target: o.name, expr: hold(o, v(`_new_${o.name}`)) });
  return out;
}

/**
 * Interpreter and constant folder for the update language, used on the host: initial values
 * of states, derived constants, and folding parameter-only subexpressions before printing.
 */
import { mapExpr, type Expr } from './ast.js';
import { BUILTINS } from './builtins.js';
import { ExprError } from './parse.js';
import { expEuler, PURE_FUNCTIONS } from './numeric.js';

export type Env = ReadonlyMap<string, number | boolean>;

/** Evaluates an expression with every name bound in `env`; `dt` must be bound for exp_euler. */
export function evaluate(e: Expr, env: Env): number | boolean {
  switch (e.k) {
    case 'num': return e.v;
    case 'bool': return e.v;
    case 'var': {
      const v = env.get(e.name);
      if (v === undefined) throw new ExprError(`unknown name "${e.name}"`);
      return v;
    }
    case 'neg': return -(evaluate(e.a, env) as number);
    case 'not': return !evaluate(e.a, env);
    case 'cond': return evaluate(e.c, env) ? evaluate(e.a, env) : evaluate(e.b, env);
    case 'bin': {
      const a = evaluate(e.a, env);
      if (e.op === '&&') return Boolean(a) && Boolean(evaluate(e.b, env));
      if (e.op === '||') return Boolean(a) || Boolean(evaluate(e.b, env));
      const x = a as number;
      const y = evaluate(e.b, env) as number;
      switch (e.op) {
        case '+': return x + y;
        case '-': return x - y;
        case '*': return x * y;
        case '/': return x / y;
        case '<': return x < y;
        case '<=': return x <= y;
        case '>': return x > y;
        case '>=': return x >= y;
        case '==': return x === y;
        case '!=': return x !== y;
      }
      throw new ExprError(`unknown operator ${String(e.op)}`);
    }
    case 'call': {
      const args = e.args.map((a) => evaluate(a, env) as number);
      if (e.fn === 'exp_euler') {
        const dt = env.get('dt');
        if (typeof dt !== 'number') throw new ExprError('exp_euler needs dt');
        return expEuler(args[0]!, args[1]!, args[2]!, dt);
      }
      const f = PURE_FUNCTIONS[e.fn];
      if (!f) throw new ExprError(`${e.fn}() cannot be evaluated here (it is random or unknown)`);
      return f(...args);
    }
  }
}

function isLiteral(e: Expr): e is { k: 'num'; v: number } | { k: 'bool'; v: boolean } {
  return e.k === 'num' || e.k === 'bool';
}

/**
 * Substitutes the names bound in `constants` and evaluates every subtree that no longer
 * depends on anything else. Random calls and exp_euler's state argument stay in place;
 * exp_euler with a constant tau keeps its call so printers can use the folded factor.
 */
export function foldConstants(e: Expr, constants: Env): Expr {
  return mapExpr(e, (node) => {
    if (node.k === 'var') {
      const v = constants.get(node.name);
      if (v === undefined) return node;
      return typeof v === 'boolean' ? { k: 'bool', v } : { k: 'num', v };
    }
    if (node.k === 'call') {
      if (BUILTINS[node.fn]?.random || node.fn === 'exp_euler') return node;
      if (node.args.every(isLiteral)) return literal(evaluate(node, constants));
      return node;
    }
    if (node.k === 'cond' && isLiteral(node.c)) return node.c.v ? node.a : node.b;
    if ((node.k === 'neg' || node.k === 'not') && isLiteral(node.a)) return literal(evaluate(node, constants));
    if (node.k === 'bin' && isLiteral(node.a) && isLiteral(node.b)) return literal(evaluate(node, constants));
    if (node.k === 'bin' && (node.op === '&&' || node.op === '||')) {
      // false && x → false, true && x → x, and the mirror for ||; no side effects exist.
      const absorbing = node.op === '||';
      for (const [lit, other] of [[node.a, node.b], [node.b, node.a]] as const) {
        if (lit.k === 'bool') return lit.v === absorbing ? lit : other;
      }
    }
    return node;
  });
}

function literal(v: number | boolean): Expr {
  return typeof v === 'boolean' ? { k: 'bool', v } : { k: 'num', v };
}

/**
 * The syntax tree of the block update language. Small on purpose: numbers, booleans,
 * names, arithmetic, comparisons, logic, a conditional and calls of built-in functions.
 * Both engines print code from this tree, so anything added here needs a printer in each.
 */

export type BinaryOp =
  | '+' | '-' | '*' | '/'
  | '<' | '<=' | '>' | '>=' | '==' | '!='
  | '&&' | '||';

export type Expr =
  | { k: 'num'; v: number }
  | { k: 'bool'; v: boolean }
  | { k: 'var'; name: string }
  | { k: 'neg'; a: Expr }
  | { k: 'not'; a: Expr }
  | { k: 'bin'; op: BinaryOp; a: Expr; b: Expr }
  | { k: 'cond'; c: Expr; a: Expr; b: Expr }
  | { k: 'call'; fn: string; args: Expr[] };

/** `target = expr`: assigns a state (visible to later statements) or defines a local. */
export interface Statement {
  target: string;
  expr: Expr;
}

export type ValueType = 'num' | 'bool';

/** Operators whose operands are numbers and whose result is a boolean. */
export const COMPARISONS: ReadonlySet<BinaryOp> = new Set(['<', '<=', '>', '>=', '==', '!=']);
/** Operators on booleans. */
export const LOGICAL: ReadonlySet<BinaryOp> = new Set(['&&', '||']);

/** Calls `visit` on every node of the tree, parents first. */
export function walk(e: Expr, visit: (node: Expr) => void): void {
  visit(e);
  switch (e.k) {
    case 'neg': case 'not': walk(e.a, visit); break;
    case 'bin': walk(e.a, visit); walk(e.b, visit); break;
    case 'cond': walk(e.c, visit); walk(e.a, visit); walk(e.b, visit); break;
    case 'call': for (const a of e.args) walk(a, visit); break;
    default: break;
  }
}

/** Rebuilds the tree bottom-up; `f` may replace any node after its children were mapped. */
export function mapExpr(e: Expr, f: (node: Expr) => Expr): Expr {
  switch (e.k) {
    case 'neg': return f({ k: 'neg', a: mapExpr(e.a, f) });
    case 'not': return f({ k: 'not', a: mapExpr(e.a, f) });
    case 'bin': return f({ k: 'bin', op: e.op, a: mapExpr(e.a, f), b: mapExpr(e.b, f) });
    case 'cond': return f({ k: 'cond', c: mapExpr(e.c, f), a: mapExpr(e.a, f), b: mapExpr(e.b, f) });
    case 'call': return f({ k: 'call', fn: e.fn, args: e.args.map((a) => mapExpr(a, f)) });
    default: return f(e);
  }
}

/** Whether `e` reads `name` outside the subtrees that `skip` accepts (code generators' patterns). */
export function readsOutside(e: Expr, name: string, skip: (node: Expr) => boolean): boolean {
  if (skip(e)) return false;
  switch (e.k) {
    case 'var': return e.name === name;
    case 'neg': case 'not': return readsOutside(e.a, name, skip);
    case 'bin': return readsOutside(e.a, name, skip) || readsOutside(e.b, name, skip);
    case 'cond': return readsOutside(e.c, name, skip) || readsOutside(e.a, name, skip) || readsOutside(e.b, name, skip);
    case 'call': return e.args.some((a) => readsOutside(a, name, skip));
    default: return false;
  }
}

/** The names an expression reads. */
export function freeNames(e: Expr): Set<string> {
  const out = new Set<string>();
  walk(e, (n) => { if (n.k === 'var') out.add(n.name); });
  return out;
}

/**
 * Semantic pass over parsed update code: inlines block helper functions, resolves every
 * name against a scope and infers number/boolean types, so both printers can rely on a
 * well-typed tree (WGSL needs the types; JavaScript would silently coerce).
 */
import { COMPARISONS, LOGICAL, mapExpr, type Expr, type Statement, type ValueType } from './ast.js';
import { BUILTINS } from './builtins.js';
import { ExprError, parseExpression } from './parse.js';

export interface FunctionSource {
  args: readonly string[];
  body: string;
}

/** Replaces calls of block helper functions by their bodies with the arguments substituted. */
export function inlineFunctions(e: Expr, functions: Readonly<Record<string, FunctionSource>>, depth = 0): Expr {
  if (depth > 16) throw new ExprError('helper functions call each other too deeply');
  return mapExpr(e, (node) => {
    if (node.k !== 'call' || !functions[node.fn]) return node;
    const fn = functions[node.fn]!;
    if (node.args.length !== fn.args.length) {
      throw new ExprError(`${node.fn}() takes ${fn.args.length} argument(s), got ${node.args.length}`);
    }
    const body = inlineFunctions(parseExpression(fn.body), functions, depth + 1);
    const bound = new Map(fn.args.map((name, i) => [name, node.args[i]!]));
    return mapExpr(body, (n) => (n.k === 'var' && bound.has(n.name) ? bound.get(n.name)! : n));
  });
}

/** Names visible to update code and their types. */
export type Scope = Map<string, ValueType>;

/** Infers the type of an expression, throwing on unknown names and type mismatches. */
export function typeOf(e: Expr, scope: Scope): ValueType {
  switch (e.k) {
    case 'num': return 'num';
    case 'bool': return 'bool';
    case 'var': {
      const t = scope.get(e.name);
      if (!t) throw new ExprError(`unknown name "${e.name}"`);
      return t;
    }
    case 'neg': expect(e.a, 'num', scope, 'the operand of -'); return 'num';
    case 'not': expect(e.a, 'bool', scope, 'the operand of !'); return 'bool';
    case 'bin':
      if (LOGICAL.has(e.op)) {
        expect(e.a, 'bool', scope, `the operands of ${e.op}`);
        expect(e.b, 'bool', scope, `the operands of ${e.op}`);
        return 'bool';
      }
      expect(e.a, 'num', scope, `the operands of ${e.op}`);
      expect(e.b, 'num', scope, `the operands of ${e.op}`);
      return COMPARISONS.has(e.op) ? 'bool' : 'num';
    case 'cond': {
      expect(e.c, 'bool', scope, 'the condition of ?:');
      const a = typeOf(e.a, scope);
      expect(e.b, a, scope, 'both branches of ?:');
      return a;
    }
    case 'call': {
      const def = BUILTINS[e.fn];
      if (!def) throw new ExprError(`unknown function "${e.fn}"`);
      if (e.args.length !== def.arity) throw new ExprError(`${e.fn}() takes ${def.arity} argument(s), got ${e.args.length}`);
      for (const a of e.args) expect(a, 'num', scope, `the arguments of ${e.fn}()`);
      return def.returns;
    }
  }
}

function expect(e: Expr, want: ValueType, scope: Scope, what: string): void {
  const got = typeOf(e, scope);
  if (got !== want) throw new ExprError(`${what} must be ${want === 'num' ? 'a number' : 'a boolean'}`);
}

export interface CheckedCode {
  statements: Statement[];
  /** Locals in order of first assignment, with their types. */
  locals: Map<string, ValueType>;
}

/**
 * Checks a statement list: states keep their type (number), locals take the type of their
 * first assignment, `fixedOutputs` (e.g. `spike`: bool) must be assigned with that type.
 */
export function checkStatements(
  statements: Statement[],
  scope: Scope,
  writable: ReadonlySet<string>,
  fixedOutputs: ReadonlyMap<string, ValueType>,
): CheckedCode {
  const inner: Scope = new Map(scope);
  const locals = new Map<string, ValueType>();
  for (const s of statements) {
    const t = typeOf(s.expr, inner);
    const fixed = fixedOutputs.get(s.target);
    if (fixed) {
      if (t !== fixed) throw new ExprError(`"${s.target}" must be assigned ${fixed === 'num' ? 'a number' : 'a boolean'}`);
      inner.set(s.target, fixed);
      continue;
    }
    if (writable.has(s.target)) {
      if (t !== 'num') throw new ExprError(`state "${s.target}" must be assigned a number`);
      continue;
    }
    if (scope.has(s.target)) throw new ExprError(`"${s.target}" cannot be assigned (it is a parameter or an input)`);
    const prev = locals.get(s.target);
    if (prev && prev !== t) throw new ExprError(`local "${s.target}" changes type`);
    locals.set(s.target, t);
    inner.set(s.target, t);
  }
  for (const [name, t] of fixedOutputs) {
    if (!statements.some((s) => s.target === name)) {
      throw new ExprError(`the code never assigns "${name}" (${t === 'num' ? 'a number' : 'a boolean'})`);
    }
  }
  return { statements, locals };
}

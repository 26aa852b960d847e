/**
 * Front end of the update language: text → syntax tree, using jsep (a small, maintained
 * JavaScript-expression parser) and mapping its nodes onto our own closed tree so that
 * anything outside the language (member access, strings, arrays…) is rejected here.
 */
import jsep from 'jsep';
import assignment from '@jsep-plugin/assignment';
import type { BinaryOp, Expr, Statement } from './ast.js';
import { BUILTINS } from './builtins.js';
import { plainMinus } from '../minus-sign.js';

jsep.plugins.register(assignment);

/** The node the assignment plugin adds (its types are not exported by jsep). */
interface AssignmentNode extends jsep.Expression {
  type: 'AssignmentExpression';
  operator: string;
  left: jsep.Expression;
  right: jsep.Expression;
}

const BINARY_OPS: ReadonlySet<string> = new Set([
  '+', '-', '*', '/', '<', '<=', '>', '>=', '==', '!=', '&&', '||',
]);

/** A mistake in update code; `where` names the block and line for the message. */
export class ExprError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ExprError';
  }
}

function convert(node: jsep.Expression, src: string): Expr {
  switch (node.type) {
    case 'Literal': {
      const v = (node as jsep.Literal).value;
      if (typeof v === 'number') return { k: 'num', v };
      if (typeof v === 'boolean') return { k: 'bool', v };
      throw new ExprError(`only numbers and true/false are allowed as literals in "${src}"`);
    }
    case 'Identifier': {
      const name = (node as jsep.Identifier).name;
      if (name === 'true' || name === 'false') return { k: 'bool', v: name === 'true' };
      return { k: 'var', name };
    }
    case 'UnaryExpression': {
      const u = node as jsep.UnaryExpression;
      const a = convert(u.argument, src);
      if (u.operator === '-') return { k: 'neg', a };
      if (u.operator === '+') return a;
      if (u.operator === '!') return { k: 'not', a };
      throw new ExprError(`unknown operator "${u.operator}" in "${src}"`);
    }
    case 'BinaryExpression': {
      const b = node as jsep.BinaryExpression;
      if (!BINARY_OPS.has(b.operator)) throw new ExprError(`unknown operator "${b.operator}" in "${src}"`);
      return { k: 'bin', op: b.operator as BinaryOp, a: convert(b.left, src), b: convert(b.right, src) };
    }
    case 'ConditionalExpression': {
      const c = node as jsep.ConditionalExpression;
      return { k: 'cond', c: convert(c.test, src), a: convert(c.consequent, src), b: convert(c.alternate, src) };
    }
    case 'CallExpression': {
      const c = node as jsep.CallExpression;
      if (c.callee.type !== 'Identifier') throw new ExprError(`only named functions can be called in "${src}"`);
      return { k: 'call', fn: (c.callee as jsep.Identifier).name, args: c.arguments.map((a) => convert(a, src)) };
    }
    case 'Compound':
    case 'SequenceExpression':
      throw new ExprError(sideBySide(node, src));
    default:
      throw new ExprError(`"${src}" uses ${node.type}, which the update language does not have`);
  }
}

/**
 * The message for terms that stand side by side (jsep's Compound, or SequenceExpression in
 * parentheses): most often a quantity written as in a paper, "10 ms", where the language
 * wants 10*ms — or nothing at all, where an expression was expected.
 */
function sideBySide(node: jsep.Expression, src: string): string {
  const parts = ((node as jsep.Compound).body ?? (node as jsep.SequenceExpression).expressions ?? []) as jsep.Expression[];
  if (parts.length === 0 || src.trim() === '') return 'an expression was expected here, and there is none';
  const [a, b] = parts;
  const n = a ? trailingNumber(a) : undefined;
  if (n !== undefined && b?.type === 'Identifier') {
    const unit = (b as jsep.Identifier).name;
    return `"${src}": "${n} ${unit}" needs an operator between the number and the unit: write ${n}*${unit}`;
  }
  if (src.includes(',')) return `"${src}": a comma separates the arguments of a function call, and may stand nowhere else`;
  return `"${src}": two terms stand side by side with no operator between them`;
}

/** The number a term ends with ("-50" of "V > -50"), as written in the source. */
function trailingNumber(node: jsep.Expression): string | undefined {
  if (node.type === 'Literal' && typeof (node as jsep.Literal).value === 'number') return (node as jsep.Literal).raw;
  if (node.type === 'BinaryExpression') return trailingNumber((node as jsep.BinaryExpression).right);
  if (node.type === 'UnaryExpression') {
    const u = node as jsep.UnaryExpression;
    const n = trailingNumber(u.argument);
    return n !== undefined && u.operator === '-' && u.argument.type === 'Literal' ? `-${n}` : n;
  }
  return undefined;
}

function jsepParse(src: string): jsep.Expression {
  try {
    return jsep(plainMinus(src));
  } catch (cause) {
    throw new ExprError(`cannot parse "${src}": ${(cause as Error).message}`, { cause });
  }
}

/** Parses one expression. */
export function parseExpression(src: string): Expr {
  const node = jsepParse(src);
  if (node.type === 'AssignmentExpression') throw new ExprError(`"${src}" is an assignment where an expression was expected`);
  return convert(node, src);
}

/** Python's `x ** y` as the call pow(x, y), throughout a jsep tree. */
function powersAsCalls(node: jsep.Expression): jsep.Expression {
  switch (node.type) {
    case 'BinaryExpression': {
      const b = node as jsep.BinaryExpression;
      const left = powersAsCalls(b.left);
      const right = powersAsCalls(b.right);
      if (b.operator === '**') {
        return { type: 'CallExpression', callee: { type: 'Identifier', name: 'pow' }, arguments: [left, right] } as jsep.CallExpression;
      }
      return { ...b, left, right };
    }
    case 'UnaryExpression': return { ...node, argument: powersAsCalls((node as jsep.UnaryExpression).argument) };
    case 'ConditionalExpression': {
      const c = node as jsep.ConditionalExpression;
      return { ...c, test: powersAsCalls(c.test), consequent: powersAsCalls(c.consequent), alternate: powersAsCalls(c.alternate) };
    }
    case 'CallExpression': {
      const c = node as jsep.CallExpression;
      return { ...c, arguments: c.arguments.map(powersAsCalls) };
    }
    default: return node;
  }
}

/**
 * Parses an expression of an equation block (Brian2's syntax): as parseExpression, and
 * Python's power `x ** y` is pow(x, y). The update language itself has no `**`.
 */
export function parseEquationExpression(src: string): Expr {
  const node = jsepParse(src);
  if (node.type === 'AssignmentExpression') throw new ExprError(`"${src}" is an assignment where an expression was expected`);
  return convert(powersAsCalls(node), src);
}

/** Parses one statement `name = expression`. */
export function parseStatement(src: string): Statement {
  const node = jsepParse(src);
  if (node.type !== 'AssignmentExpression' || (node as AssignmentNode).operator !== '=') {
    throw new ExprError(`"${src}" is not an assignment "name = expression"`);
  }
  const a = node as AssignmentNode;
  if (a.left.type !== 'Identifier') throw new ExprError(`the left side of "${src}" must be a name`);
  const target = (a.left as jsep.Identifier).name;
  if (BUILTINS[target]) throw new ExprError(`"${target}" is a built-in function and cannot be assigned in "${src}"`);
  return { target, expr: convert(a.right, src) };
}

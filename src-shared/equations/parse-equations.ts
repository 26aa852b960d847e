/**
 * Text of an equation block → syntax trees with positions. The syntax is Brian2's:
 *   dV/dt = (gL*(EL - V) + I) / C : volt (unless refractory)
 *   I_leak = gL*(EL - V) : amp             (a named subexpression)
 *   V = EL; w += b                         (reset and on_pre statements)
 * Python's `**`, `and`, `or`, `not` are accepted. Expressions go through the update
 * language's parser (src-shared/expr/parse.ts), so nothing outside that small language —
 * member access, strings, JavaScript or WGSL text — can get through.
 */
import { mapExpr, walk, type Expr } from '../expr/ast.js';
import { parseEquationExpression } from '../expr/parse.js';
import { EQUATION_LIMITS } from './type-schema.js';

/** A problem at a place in one field of a block type (line and column count from 1). */
export interface EquationDiagnostic {
  field: string;
  line: number;
  column: number;
  message: string;
}

/** Thrown inside the equation compiler; collected as a diagnostic. */
export class SourceError extends Error {
  constructor(message: string, readonly line: number, readonly column: number) {
    super(message);
    this.name = 'SourceError';
  }
}

export interface ParsedExpr {
  expr: Expr;
  /** The source line (1-based) and the column where the expression starts. */
  line: number;
  column: number;
  /** The text of the whole line, to place later errors. */
  text: string;
}

export interface Equation extends ParsedExpr {
  kind: 'differential' | 'subexpression';
  name: string;
  unit: string;
  flags: string[];
}

export interface ParsedStatement extends ParsedExpr {
  target: string;
  /** The column of the target name. */
  targetColumn: number;
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Brian2's written-out unit names ("mvolt", "nsiemens", "amp") in the symbols of units.ts. */
export function unitText(text: string): string {
  const symbols: Record<string, string> = {
    volt: 'V', amp: 'A', ampere: 'A', siemens: 'S', farad: 'F', second: 's', hertz: 'Hz', molar: 'M', ohm: 'ohm', metre: 'm', meter: 'm',
  };
  return text.replace(/\b(p|n|u|µ|μ|m|k|M|G)?(volt|ampere|amp|siemens|farad|second|hertz|molar|ohm)\b/g, (_, p: string | undefined, u: string) => (p ?? '') + symbols[u]!)
    .replace(/\*\*/g, '^');
}

/** Python's word operators as the update language's. */
function pythonWords(src: string): string {
  return src.replace(/\band\b/g, '&&').replace(/\bor\b/g, '||').replace(/\bnot\b/g, '!');
}

/** Checks the size and nesting limits of a tree. */
function checkLimits(e: Expr, line: number, column: number): void {
  let nodes = 0;
  walk(e, () => { nodes++; });
  if (nodes > EQUATION_LIMITS.nodes) throw new SourceError(`the expression is too long (${nodes} terms, at most ${EQUATION_LIMITS.nodes})`, line, column);
  const depth = (x: Expr): number => {
    switch (x.k) {
      case 'neg': case 'not': return 1 + depth(x.a);
      case 'bin': return 1 + Math.max(depth(x.a), depth(x.b));
      case 'cond': return 1 + Math.max(depth(x.c), depth(x.a), depth(x.b));
      case 'call': return 1 + Math.max(0, ...x.args.map(depth));
      default: return 1;
    }
  };
  if (depth(e) > EQUATION_LIMITS.treeDepth) throw new SourceError(`the expression is nested too deeply (at most ${EQUATION_LIMITS.treeDepth} operations in a chain)`, line, column);
}

/** Parses one expression that starts at `column` of `line`. */
export function parseAt(src: string, line: number, column: number, text: string): ParsedExpr {
  // Parentheses are counted first: jsep's recursion must not meet arbitrarily deep nesting.
  // Unary operators nest as deeply as parentheses do (--x is -(-x)).
  let depth = 0;
  let unary = 0;
  for (const ch of src) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    unary = ch === '-' || ch === '+' || ch === '!' ? unary + 1 : ch === ' ' ? unary : 0;
    if (depth > EQUATION_LIMITS.depth || unary > EQUATION_LIMITS.depth) {
      throw new SourceError(`the expression is nested too deeply (at most ${EQUATION_LIMITS.depth} levels)`, line, column);
    }
  }
  let expr: Expr;
  try {
    expr = parseEquationExpression(pythonWords(src));
  } catch (e) {
    const at = /at character (\d+)/.exec((e as Error).message);
    const message = (e as Error).message.replace(/^cannot parse "[^"]*": /, '');
    throw new SourceError(message, line, column + (at ? Number(at[1]) : 0));
  }
  expr = withoutClip(expr, line, column);
  checkLimits(expr, line, column);
  return { expr, line, column, text };
}

/**
 * Functions of Brian2's notation that the equations accept on top of the update language's
 * built-ins, written out in them so that the engines see nothing new.
 */
export const NOTATION_FUNCTIONS = ['clip'] as const;

/** Brian2's clip(x, low, high) (numpy's) as min(max(x, low), high): plastic synapses bound their weights with it. */
function withoutClip(e: Expr, line: number, column: number): Expr {
  let found = false;
  walk(e, (n) => { if (n.k === 'call' && n.fn === 'clip') found = true; });
  if (!found) return e;
  return mapExpr(e, (n) => {
    if (n.k !== 'call' || n.fn !== 'clip') return n;
    if (n.args.length !== 3) throw new SourceError(`clip() takes 3 argument(s) (x, low, high), got ${n.args.length}`, line, column);
    const [x, low, high] = n.args as [Expr, Expr, Expr];
    return { k: 'call', fn: 'min', args: [{ k: 'call', fn: 'max', args: [x, low] }, high] };
  });
}

/** Lines of a field without comments; yields [text without comment, line number, original line]. */
function* lines(field: string): Generator<[string, number, string]> {
  const all = field.split(/\r?\n/);
  if (all.length > EQUATION_LIMITS.lines) throw new SourceError(`too many lines (${all.length}, at most ${EQUATION_LIMITS.lines})`, EQUATION_LIMITS.lines + 1, 1);
  for (let i = 0; i < all.length; i++) {
    const raw = all[i]!;
    const code = raw.replace(/#.*$/, '');
    if (code.trim() !== '') yield [code, i + 1, raw];
  }
}

/** The index of the last ':' outside parentheses, or -1. */
function lastTopColon(s: string): number {
  let depth = 0;
  let found = -1;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ':' && depth === 0) found = i;
  }
  return found;
}

/** Parses the `equations` field; problems are collected per line. */
export function parseEquations(field: string, problems: SourceError[]): Equation[] {
  const out: Equation[] = [];
  for (const [code, line, raw] of lines(field)) {
    try {
      const colon = lastTopColon(code);
      if (colon < 0) throw new SourceError('an equation ends with ": unit", e.g. "dV/dt = -V/tau : mV"', line, code.length + 1);
      const left = code.slice(0, colon);
      const right = code.slice(colon + 1);
      const flagMatch = /\(([^()]*)\)\s*$/.exec(right);
      const unit = (flagMatch ? right.slice(0, flagMatch.index) : right).trim();
      const flags = flagMatch ? flagMatch[1]!.split(',').map((f) => f.trim()).filter(Boolean) : [];
      for (const f of flags) {
        if (f !== 'unless refractory') throw new SourceError(`unknown flag "${f}" (known: unless refractory)`, line, colon + 2 + right.indexOf(f));
      }
      const eq = left.indexOf('=');
      if (eq < 0) throw new SourceError(`"${left.trim()}" declares no equation; parameters go under "params"`, line, 1);
      const lhs = left.slice(0, eq).trim();
      const rhsStart = eq + 1 + (left.slice(eq + 1).length - left.slice(eq + 1).trimStart().length);
      const rhs = left.slice(eq + 1);
      const d = /^d\s*([A-Za-z_][A-Za-z0-9_]*)\s*\/\s*dt$/.exec(lhs);
      let kind: Equation['kind'];
      let name: string;
      if (d) { kind = 'differential'; name = d[1]!; } else if (IDENT.test(lhs)) { kind = 'subexpression'; name = lhs; } else {
        throw new SourceError(`the left side "${lhs}" must be "dX/dt" or a name`, line, 1 + (left.length - left.trimStart().length));
      }
      const parsed = parseAt(rhs.trim(), line, rhsStart + 1, raw);
      out.push({ ...parsed, kind, name, unit, flags });
    } catch (e) {
      if (e instanceof SourceError) problems.push(e);
      else throw e;
    }
  }
  return out;
}

/**
 * Parses statements (`reset`, `on_pre`): one per line or separated by ";"; `x += e`,
 * `x -= e`, `x *= e`, `x /= e` stand for `x = x + (e)`…
 */
export function parseStatements(field: string, problems: SourceError[]): ParsedStatement[] {
  const out: ParsedStatement[] = [];
  for (const [code, line, raw] of lines(field)) {
    let offset = 0;
    for (const part of code.split(';')) {
      const column = offset + 1 + (part.length - part.trimStart().length);
      offset += part.length + 1;
      if (part.trim() === '') continue;
      try {
        const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*([-+*/]?)=(?!=)\s*(.*)$/.exec(part);
        if (!m) throw new SourceError(`"${part.trim()}" is not a statement "name = expression" (or +=, -=, *=, /=)`, line, column);
        const [, target, op, rhs] = m as unknown as [string, string, string, string];
        const rhsColumn = column + part.trimStart().indexOf(rhs);
        const parsed = parseAt(rhs, line, rhsColumn, raw);
        const expr: Expr = op ? { k: 'bin', op: op as '+' | '-' | '*' | '/', a: { k: 'var', name: target }, b: parsed.expr } : parsed.expr;
        out.push({ ...parsed, expr, target, targetColumn: column });
      } catch (e) {
        if (e instanceof SourceError) problems.push(e);
        else throw e;
      }
    }
  }
  return out;
}

/** Parses a one-line expression field (threshold, refractory condition, current). */
export function parseField(field: string, problems: SourceError[]): ParsedExpr | undefined {
  const found = [...lines(field)];
  if (found.length === 0) {
    problems.push(new SourceError('is empty', 1, 1));
    return undefined;
  }
  if (found.length > 1) {
    problems.push(new SourceError('must be one expression on one line', found[1]![1], 1));
    return undefined;
  }
  const [code, line, raw] = found[0]!;
  try {
    return parseAt(code.trim(), line, 1 + (code.length - code.trimStart().length), raw);
  } catch (e) {
    if (e instanceof SourceError) { problems.push(e); return undefined; }
    throw e;
  }
}

/** The column of the first name or number of `at` in the line (after `from`), to point at a mistake. */
export function columnOf(p: ParsedExpr, at: Expr | undefined): number {
  if (!at) return p.column;
  let token: string | undefined;
  walk(at, (n) => {
    if (token !== undefined) return;
    if (n.k === 'var') token = n.name;
    else if (n.k === 'call') token = n.fn;
    else if (n.k === 'num') token = String(n.v);
  });
  if (token === undefined) return p.column;
  const re = new RegExp(`(?<![A-Za-z0-9_.])${token.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![A-Za-z0-9_])`, 'g');
  re.lastIndex = p.column - 1;
  const m = re.exec(p.text);
  return m ? m.index + 1 : p.column;
}


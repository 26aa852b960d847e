/**
 * What compiling one equation block type keeps while it goes: the diagnostics, the names in
 * scope with their units, and the checks every field goes through (unknown names and
 * functions, units by Brian2's rules) and the rewriting into generated code (subexpressions
 * substituted, parameters scaled to internal units).
 */
import { mapExpr, walk, type Expr } from '../expr/ast.js';
import { BUILTINS } from '../expr/builtins.js';
import { DimChecker, DimensionError, internalScale, unitType, UNIT_NAMES, type DimType, type NumType } from '../expr/dimensions.js';
import { isNoise } from './integrate.js';
import { lit, mul } from './linear.js';
import { columnOf, NOTATION_FUNCTIONS, type Equation, type EquationDiagnostic, type ParsedExpr, type ParsedStatement, type SourceError } from './parse-equations.js';
import { EQUATION_LIMITS, type BlockTypeDoc } from './type-schema.js';

/** Functions equations may call (exp_euler is the schemes' business). */
/** What user text may call: the update language's built-ins and Brian2's clip, written out by the parser. */
export const FUNCTIONS: readonly string[] = [...Object.keys(BUILTINS).filter((f) => f !== 'exp_euler'), ...NOTATION_FUNCTIONS];

export const MS = unitType('ms');
export const NANOAMP = unitType('nA');
export const MILLIVOLT = unitType('mV');
/** White noise: 1/√ms. */
const NOISE: NumType = { k: 'num', dim: [-0.5, 0, 0, 0], scale: 1e-3 ** -0.5, factor: 1 };

/** The internal unit of a type's dimension (ms, mV, nA, µS, nF…). */
export const internal = (t: NumType): NumType => ({ k: 'num', dim: t.dim, scale: internalScale(t.dim), factor: 1 });

/** Whether two types have one dimension. */
export function sameDims(a: NumType, b: NumType): boolean {
  return a.dim.every((x, i) => Math.abs(x - b.dim[i]!) < 1e-9);
}

export class TypeChecks {
  readonly diagnostics: EquationDiagnostic[] = [];
  /** Names in scope with their types, all at internal scale. */
  readonly scope = new Map<string, DimType>();
  /** Parameters' factors from their declared unit to the internal one. */
  readonly factors = new Map<string, number>();
  readonly stateTypes = new Map<string, NumType>();
  readonly subTypes = new Map<string, NumType>();
  private subexpressions: Equation[] = [];
  private readonly inlined = new Map<string, Expr>();

  constructor(readonly doc: BlockTypeDoc) {}

  add(field: string, message: string, line = 0, column = 0): void {
    this.diagnostics.push({ field, line, column, message });
  }

  collect(field: string, problems: readonly SourceError[]): void {
    for (const p of problems) this.add(field, p.message, p.line, p.column);
  }

  setSubexpressions(subs: Equation[]): void {
    this.subexpressions = subs;
  }

  private known(): string {
    const params = [...this.factors.keys()];
    return `parameters: ${params.join(', ') || 'none'}; states: ${[...this.stateTypes.keys()].join(', ') || 'none'}`;
  }

  /** Unknown names and functions in an expression, as diagnostics; true when it is clean. */
  namesOk(field: string, p: ParsedExpr, extra: ReadonlyMap<string, DimType> = new Map(), noise = false): boolean {
    let ok = true;
    walk(p.expr, (n) => {
      if (!ok) return;
      if (n.k === 'var' && !this.scope.has(n.name) && !extra.has(n.name) && !UNIT_NAMES.has(n.name) && !(noise && isNoise(n.name))) {
        this.add(field, `unknown name "${n.name}" (${this.known()})`, p.line, columnOf(p, n));
        ok = false;
      }
      if (n.k === 'call') {
        if (!FUNCTIONS.includes(n.fn)) {
          this.add(field, `unknown function "${n.fn}" (known: ${FUNCTIONS.join(', ')})`, p.line, columnOf(p, n));
          ok = false;
        } else if (BUILTINS[n.fn]!.arity !== n.args.length) {
          this.add(field, `${n.fn}() takes ${BUILTINS[n.fn]!.arity} argument(s), got ${n.args.length}`, p.line, columnOf(p, n));
          ok = false;
        }
      }
    });
    return ok;
  }

  /** The unit-checked type of an expression (white noise allowed in `equations`), or undefined after a diagnostic. */
  typed(field: string, p: ParsedExpr, want: NumType | 'bool' | null, what: string, extra: ReadonlyMap<string, DimType> = new Map()): DimType | undefined {
    const names = new Map<string, DimType>([...this.scope, ...extra]);
    if (field === 'equations') walk(p.expr, (n) => { if (n.k === 'var' && isNoise(n.name)) names.set(n.name, NOISE); });
    const checker = new DimChecker(names, { strictLiterals: true });
    try {
      const t = checker.typeOf(p.expr);
      if (want === 'bool') {
        if (t.k !== 'bool') throw new DimensionError(`${what} must be a condition (true or false)`, p.expr);
      } else if (want) checker.require(t, want, p.expr, what);
      return t;
    } catch (e) {
      if (!(e instanceof DimensionError)) throw e;
      this.add(field, e.message, p.line, columnOf(p, e.at));
      return undefined;
    }
  }

  /** A reset or on_pre statement: its target is a state, its value has the state's unit. */
  checkStatement(field: string, s: ParsedStatement, extra: ReadonlyMap<string, DimType> = new Map()): void {
    const t = this.stateTypes.get(s.target);
    if (!t) {
      this.add(field, `"${s.target}" is not a state (states: ${[...this.stateTypes.keys()].join(', ') || 'none'})`, s.line, s.targetColumn);
      return;
    }
    if (this.namesOk(field, s, extra)) this.typed(field, s, t, `the value assigned to ${s.target}`, extra);
  }

  /** Subexpressions substituted (as Brian2 does), in order; a cycle is refused. */
  private inline(e: Expr, seen: readonly string[] = []): Expr {
    return mapExpr(e, (n) => {
      if (n.k !== 'var' || !this.subTypes.has(n.name)) return n;
      if (seen.includes(n.name)) throw new Error(`subexpressions refer to each other in a cycle: ${[...seen, n.name].join(' → ')}`);
      if (!this.inlined.has(n.name)) {
        const sub = this.subexpressions.find((s) => s.name === n.name)!;
        this.inlined.set(n.name, this.inline(sub.expr, [...seen, n.name]));
      }
      return this.inlined.get(n.name)!;
    });
  }

  /** Parameters in internal units: a factor other than 1 multiplies them (folded by the engines). */
  normalise(e: Expr): Expr {
    return mapExpr(e, (n) => {
      const k = n.k === 'var' ? this.factors.get(n.name) : undefined;
      return k !== undefined && Math.abs(k - 1) > 1e-12 ? mul(n, lit(k)) : n;
    });
  }

  /** An expression as generated code (subexpressions substituted, internal units), or undefined after a diagnostic. */
  generated(e: Expr): Expr | undefined {
    try {
      const out = this.inline(e);
      // Subexpressions that use each other several times grow exponentially once substituted
      // (inlining shares them, so this is checked before anything walks the whole tree).
      const cap = EQUATION_LIMITS.nodes * 10;
      if (exceeds(out, cap)) throw new Error(`an expression is too long once its subexpressions are substituted (more than ${cap} terms)`);
      return this.normalise(out);
    } catch (err) {
      this.add('equations', (err as Error).message);
      return undefined;
    }
  }
}

/** Whether a tree has more than `cap` nodes; stops counting there (a shared subtree counts each time). */
export function exceeds(e: Expr, cap: number): boolean {
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
export function size(e: Expr): number {
  let n = 0;
  walk(e, () => { n++; });
  return n;
}

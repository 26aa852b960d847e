/** Block update code printed as WGSL for one element (states, locals, time stamps, spike outputs). */
import { randomStream } from '../../../kernels/random.js';
import type { Statement, ValueType } from '../../../src-shared/expr/ast.js';
import type { Plan, PlanBlock } from '../../compiler/plan.js';
import { blockConstants } from '../../compiler/block-constants.js';
import { elementCode } from '../../compiler/element-constants.js';
import { f32Words } from './layout.js';
import { foldBlockCode } from './fold.js';
import { exprType, printWgsl, type WgslPrintContext } from './print-wgsl.js';
import { elapsedWgsl } from './stamps.js';
import { type CopyCtx, constOffset, u } from './copy-context.js';

export interface CodeNames {
  /** Update-language name → WGSL text. */
  inputs: Record<string, string>;
  inputTypes: Record<string, ValueType>;
}

export function seedLiteral(ctx: CopyCtx): string {
  return ctx.lits.u(ctx.plan.seed >>> 0);
}

/** Prints a block's statements for element `elem` (a WGSL u32 expression). */
export function printStatements(ctx: CopyCtx, b: PlanBlock, code: Statement[], names: CodeNames, elem: string): string[] {
  const states = new Set(b.states.map((s) => s.name));
  const locals = new Map<string, ValueType>();
  const typeOfName = (n: string): ValueType => {
    if (states.has(n)) return 'num';
    if (names.inputTypes[n]) return names.inputTypes[n]!;
    if (locals.has(n)) return locals.get(n)!;
    return 'num';
  };
  const seed = seedLiteral(ctx);
  const stamps = ctx.decisions.stamps.get(b.id) ?? new Set<string>();
  // Varying parameters: the code with its per-element parts read from C (element-constants.ts).
  const ec = code === b.code ? elementCode(ctx.plan, b) : null;
  const elementRead = (key: string, values: Float64Array) => `bitcast<f32>(C[${constOffset(ctx, key, () => f32Words(values))} + ${elem}])`;
  const pc: WgslPrintContext = {
    dt: ctx.plan.dt,
    decay: (tau) => {
      const c = tau.k === 'var' ? ec?.byName.get(tau.name) : undefined;
      return c?.decay ? elementRead(`element-decay:${b.id}:${c.name}`, c.decay) : null;
    },
    num: (v) => ctx.lits.f(v),
    elapsed: (n) => (stamps.has(n) ? elapsedWgsl('i', `s_${n}`) : null),
    stepInt: 'bitcast<i32>(i)',
    int: (v) => `bitcast<i32>(${ctx.lits.u(v >>> 0)})`,
    name: (n) => {
      const c = ec?.byName.get(n);
      if (c) return elementRead(`element:${b.id}:${c.name}`, c.values);
      if (stamps.has(n)) throw new Error(`internal: block "${b.id}" reads the time stamp "${n}" outside t - ${n}`);
      if (states.has(n)) return `s_${n}`;
      if (names.inputs[n]) return names.inputs[n]!;
      if (n === 't') return 't';
      if (n === 'step') return 'f32(i)';
      if (locals.has(n)) return `l_${n}`;
      throw new Error(`block "${b.id}": the update code reads "${n}", which the WebGPU engine cannot resolve`);
    },
    random: (fn, call) => `${fn}(${seed}, ${u(randomStream(b.index, call))}, ${elem}, i)`,
    binomial: (call, n, p) => `sf_binomial(${seed}, ${u(randomStream(b.index, call))}, ${elem}, i, ${n}, ${p})`,
  };
  const counter = { calls: 0 };
  const lines: string[] = [];
  for (const { target, expr: folded } of foldBlockCode(ec?.code ?? code, blockConstants(ctx.plan, b), states)) {
    const s = { target };
    if (stamps.has(s.target)) {
      lines.push(printStampAssignment(s.target, folded, pc, counter));
      continue;
    }
    const rhs = printWgsl(folded, pc, counter);
    if (states.has(s.target)) lines.push(`s_${s.target} = ${rhs};`);
    else if (locals.has(s.target)) lines.push(`l_${s.target} = ${rhs};`);
    else {
      const type = exprType(folded, typeOfName);
      locals.set(s.target, type);
      lines.push(`var l_${s.target}: ${type === 'bool' ? 'bool' : 'f32'} = ${rhs};`);
    }
  }
  return lines;
}

/** `X = t`, `X = c ? t : X` or `X = c ? X : t` (constants folded) for a stamp kept in steps. */
export function printStampAssignment(x: string, e: Statement['expr'], pc: WgslPrintContext, counter: { calls: number }): string {
  const now = 'bitcast<i32>(i)';
  const is = (v: Statement['expr'], name: string) => v.k === 'var' && v.name === name;
  if (is(e, 't')) return `s_${x} = ${now};`;
  if (is(e, x)) return `// ${x} unchanged`;
  if (e.k === 'cond' && is(e.a, 't') && is(e.b, x)) return `s_${x} = select(s_${x}, ${now}, ${printWgsl(e.c, pc, counter)});`;
  if (e.k === 'cond' && is(e.a, x) && is(e.b, 't')) return `s_${x} = select(${now}, s_${x}, ${printWgsl(e.c, pc, counter)});`;
  throw new Error(`internal: "${x}" is not assigned as a time stamp`);
}

export function ringSlot(plan: Plan, producer: string, lag: number): string {
  const depth = plan.spikeHistory[producer]!;
  if (depth === 1) return '0u';
  return `((i + ${u(depth - (lag % depth))}) % ${u(depth)})`;
}

export function flagIndex(ctx: CopyCtx, block: PlanBlock, lag: number, elem: string): string {
  const base = ctx.layout.flags.get(block.id)!;
  const slot = ringSlot(ctx.plan, block.id, lag);
  return slot === '0u' ? `cIS + ${u(base)} + ${elem}` : `cIS + ${u(base)} + ${slot} * ${u(block.size)} + ${elem}`;
}

/** Flag write, totals and spike/rate recording of a spiking block for element k. */
export function spikeOutputs(ctx: CopyCtx, b: PlanBlock, spike: string): string[] {
  const L = ctx.layout;
  const lines = [`IS[${flagIndex(ctx, b, 0, 'k')}] = select(0u, 1u, ${spike});`];
  const rec: string[] = [`atomicAdd(&RA[cRA + ${u(L.totals.get(b.id)!)}], 1u);`];
  const list = L.lists.get(b.id);
  if (list) {
    const slot = `(i % ${u(list.slots)})`;
    lines.push(
      '// the counter of the next step\'s slot is free now: reset it',
      `if (k == 0u) { atomicStore(&ACC[cACC + ${u(list.counts)} + (i + 1u) % ${u(list.slots)}], 0u); }`,
    );
    rec.push(
      `let at = atomicAdd(&ACC[cACC + ${u(list.counts)} + ${slot}], 1u);`,
      `IS[cIS + ${u(list.entries)} + ${slot} * ${u(b.size)} + at] = k;`,
    );
  }
  for (const area of L.probes) {
    if (area.probe.block !== b.id) continue;
    if (area.kind === 'rate') {
      const bin = u(area.probe.binSteps);
      rec.push(`atomicAdd(&RA[cRA + ${u(area.offset)} + i / ${bin} - U.chunk_start / ${bin}], 1u);`);
    } else if (area.kind === 'spikes') {
      // One list for every copy and probe; the tag says whose entry it is.
      const tag = `(c * ${u(L.spikeProbes)} + ${u(area.tag)}) << 12u`;
      const body = [
        `let q = atomicAdd(&RA[${u(ctx.copies * L.RA.size)}], 1u);`,
        `if (q < ${u(L.spikeCapacity)}) {`,
        `  RE[2u * q] = (${tag}) | (i - U.chunk_start);`,
        '  RE[2u * q + 1u] = k;',
        '}',
      ];
      if (area.probe.neurons) {
        const neurons = area.probe.neurons;
        const mask = constOffset(ctx, `mask:${area.probe.id}`, () => {
          const m = new Uint32Array(b.size);
          for (const n of neurons) m[n] = 1;
          return m;
        });
        rec.push(`if (C[${mask} + k] != 0u) {`, ...body.map((l) => `  ${l}`), '}');
      } else {
        rec.push('{', ...body.map((l) => `  ${l}`), '}');
      }
    }
  }
  lines.push(`if (${spike}) {`, ...rec.map((l) => `  ${l}`), '}');
  return lines;
}


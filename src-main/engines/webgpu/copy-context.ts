/**
 * What the emitters of one copy's code share: literals (inlined when every copy agrees,
 * else a per-copy table), the operations with their data dependencies, and helpers for
 * constant data and input currents.
 */
import type { Plan } from '../../compiler/plan.js';
import { blockOf, ConstPool, type Layout } from './layout.js';
import type { Decisions } from './decisions.js';

// ---------------------------------------------------------------------------------------
// Literals: printed per copy as markers, then inlined (same in every copy) or tabled.

export const MARK_OPEN = '\u0001';
export const MARK_CLOSE = '\u0002';
export const f32Bits = (v: number) => new Uint32Array(Float32Array.of(v).buffer)[0]!;

export class Literals {
  readonly entries: Array<{ type: 'f' | 'u'; bits: number }> = [];
  f(v: number): string {
    this.entries.push({ type: 'f', bits: f32Bits(v) });
    return `${MARK_OPEN}${this.entries.length - 1}${MARK_CLOSE}`;
  }
  u(v: number): string {
    if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new Error(`internal: ${v} is not a u32`);
    this.entries.push({ type: 'u', bits: v >>> 0 });
    return `${MARK_OPEN}${this.entries.length - 1}${MARK_CLOSE}`;
  }
}

// ---------------------------------------------------------------------------------------
// Operations and their data dependencies.

export type Mode = 'same' | 'any';
export interface Access { res: string; mode: Mode }

export interface Op {
  label: string;
  /** Elements (threads) per copy. */
  size: number;
  reads: Access[];
  writes: Access[];
  emit(ctx: CopyCtx): string;
}

/** Per-copy generation context. */
export interface CopyCtx {
  plan: Plan;
  copy: number;
  /** Copies in the batch. */
  copies: number;
  lits: Literals;
  pool: ConstPool;
  layout: Layout;
  decisions: Decisions;
  /** Neurons whose input current is summed in a private variable of their group (privateInputs). */
  privateInputs: Set<string>;
  /** Neurons whose voltage jumps are summed in a private variable of their group (privateInputsOf with 'jumps'). */
  privateJumps?: Set<string>;
  /** Per-copy C offsets, registered on first use (same order in every copy). */
  cache: Map<string, number>;
}

/**
 * WGSL of a neuron's input accumulator at element k: a variable of the group, or its word
 * in S; the input current I, or with `into` 'J' the sum of its voltage jumps.
 */
export function inputRef(ctx: CopyCtx, block: string, into?: 'J'): string {
  if (into === 'J') {
    return ctx.privateJumps?.has(block) ? `jacc_b${blockOf(ctx.plan, block).index}` : `S[cS + ${u(ctx.layout.jumps.get(block)!)} + k]`;
  }
  return ctx.privateInputs.has(block) ? `acc_b${blockOf(ctx.plan, block).index}` : `S[cS + ${u(ctx.layout.inputs.get(block)!)} + k]`;
}

/** The data-dependency resource of a neuron's input accumulator (I, or its jumps J). */
export function inputResource(block: string, into?: 'J'): string {
  return into === 'J' ? `jumps:${block}` : `input:${block}`;
}

export function constOffset(ctx: CopyCtx, key: string, make: () => Uint32Array): string {
  let off = ctx.cache.get(key);
  if (off === undefined) {
    off = ctx.pool.add(make());
    ctx.cache.set(key, off);
  }
  return ctx.lits.u(off);
}

export const u = (n: number) => `${n}u`;

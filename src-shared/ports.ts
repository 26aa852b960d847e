/**
 * What may be connected to what. The editor checks these rules as a wire is drawn and the
 * compiler checks them on every document it is given (a file written by hand, an older
 * version); both ask here, so the two never disagree.
 */
import type { BlockCategory, SocketType } from '../kernels/types.js';

/** Whether an output of type `out` may feed an input of type `into` (`any`, on probes, takes every type). */
export function socketsCompatible(out: SocketType, into: SocketType): boolean {
  return into === 'any' || out === into;
}

/** Whether an input takes several connections: currents and voltage jumps sum; everything else takes one. */
export function inputTakesMany(type: SocketType): boolean {
  return type === 'current' || type === 'jump';
}

/** Blocks a current may flow into: neurons, whose input sums it, and probes, which record it. */
const CURRENT_TARGETS: ReadonlySet<BlockCategory> = new Set(['neuron', 'probe']);

/** Why a connection is refused, by rule; each caller words it for its reader. */
export type ConnectionRefusal = 'socket-type' | 'current-not-into-neuron';

/** Said wherever the current rule refuses a connection. */
export const CURRENT_ONLY_INTO_NEURON = 'a current can only flow into a neuron block';

/**
 * Why an output of type `out` may not be connected to an input of type `into` on a block
 * of category `target`, or null when it may.
 */
export function connectionRefusal(out: SocketType, into: SocketType, target: BlockCategory): ConnectionRefusal | null {
  if (!socketsCompatible(out, into)) return 'socket-type';
  if ((out === 'current' || out === 'jump') && !CURRENT_TARGETS.has(target)) return 'current-not-into-neuron';
  return null;
}

/**
 * The barrier at which a threaded run's workers meet (every step, partition.ts), and the
 * few shared words through which worker 0 tells the others what to do next. A worker that
 * arrives early first spins briefly — a step of a small model takes microseconds, less
 * than a sleep and wake-up — then sleeps in Atomics.wait.
 */

/** Word indices of the control array. */
export const CONTROL = {
  /** Workers arrived at the barrier. */
  arrived: 0,
  /** Barrier generation: incremented by the last to arrive, which releases the rest. */
  generation: 1,
  /** Steps of the next chunk, set by worker 0; 0: stop. */
  chunk: 2,
  /** Set by a worker that found a non-finite state. */
  fault: 3,
} as const;

export const CONTROL_WORDS = 4;

export function controlArray(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(CONTROL_WORDS * 4));
}

/** Fewest polls before a sleep (a few microseconds), while polling is allowed at all. */
export const MIN_SPINS = 512;

/**
 * A barrier for `workers` threads over `ctl`; `maxSpins`: polls before sleeping. The polls
 * adapt: where the others keep arriving late (their cores busy with other work), spinning
 * only burns the time they need, so a barrier that had to sleep halves the next one's polls
 * and one released while polling doubles them again. The polls never fall below MIN_SPINS
 * (or maxSpins, if less): from none, no barrier could ever be released while polling to
 * double them again, and every later barrier would sleep — which the imbalance of the
 * first steps (one worker's code still unoptimised) used to cause for good: every barrier
 * of a run then slept, tens of microseconds each (#15).
 */
export function barrier(ctl: Int32Array, workers: number, maxSpins: number): () => void {
  let spins = maxSpins;
  return () => {
    const generation = Atomics.load(ctl, CONTROL.generation);
    if (Atomics.add(ctl, CONTROL.arrived, 1) === workers - 1) {
      // Reset before release: a released worker may arrive at the next barrier at once.
      Atomics.store(ctl, CONTROL.arrived, 0);
      Atomics.add(ctl, CONTROL.generation, 1);
      Atomics.notify(ctl, CONTROL.generation);
      return;
    }
    for (let s = 0; s < spins; s++) {
      if (Atomics.load(ctl, CONTROL.generation) !== generation) {
        spins = nextSpins(spins, true, maxSpins);
        return;
      }
    }
    spins = nextSpins(spins, false, maxSpins);
    // A bounded wait, so that a terminated run never leaves a thread asleep for good.
    while (Atomics.load(ctl, CONTROL.generation) === generation) Atomics.wait(ctl, CONTROL.generation, generation, 1000);
  };
}

/** The polls of the next barrier after one with `spins` polls was `released` while polling, or slept. */
export function nextSpins(spins: number, released: boolean, maxSpins: number): number {
  return released ? Math.min(maxSpins, spins * 2) : Math.max(Math.min(MIN_SPINS, maxSpins), spins >> 1);
}

/**
 * The barrier's polling adapts (barrier.ts): halved after a sleep, doubled after a release
 * while polling. It must never reach zero polls where polling is allowed: from zero, no
 * barrier could be released while polling, and a threaded run would sleep at every step
 * for the rest of the run (what the first, unoptimised steps of a run used to cause).
 */
import { describe, expect, it } from 'vitest';
import { MIN_SPINS, nextSpins } from '../../../src-main/engines/cpu/barrier.js';

describe('barrier polling', () => {
  it('keeps polling after many sleeps, and recovers once released while polling', () => {
    let spins = 20000;
    for (let k = 0; k < 100; k++) spins = nextSpins(spins, false, 20000);
    expect(spins).toBe(MIN_SPINS);
    for (let k = 0; k < 100; k++) spins = nextSpins(spins, true, 20000);
    expect(spins).toBe(20000);
  });

  it('never polls where polling is off (more threads than cores)', () => {
    expect(nextSpins(0, false, 0)).toBe(0);
    expect(nextSpins(0, true, 0)).toBe(0);
  });
});

/**
 * Errors of the WebGPU engine that callers act on. They are matched with `instanceof`,
 * never by their wording, so the messages can change freely.
 */

/**
 * The copies of a batch cannot run as one GPU program: they differ in structure (blocks,
 * sizes, connections, probes, dt or duration), or a swept value makes a block's code fold
 * differently. Callers fall back to running the copies one after another.
 */
export class BatchMismatchError extends Error {
  constructor(
    /** Which copy differs from copy 0. */
    readonly copy: number,
    readonly reason: 'structure' | 'code',
    message: string,
  ) {
    super(message);
    this.name = 'BatchMismatchError';
  }
}

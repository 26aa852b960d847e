/** The `--max-memory` option of `run` and `validate`: text like "8 GB", or the machine's default. */
import { machineMemoryLimit, parseMemorySize, type MemoryLimit } from '../compiler/estimate.js';

export function cliMemoryLimit(text: string | undefined): MemoryLimit {
  if (text === undefined) return machineMemoryLimit();
  try {
    return { bytes: parseMemorySize(text), source: `--max-memory ${text}` };
  } catch (e) {
    throw new Error(`--max-memory: ${(e as Error).message}`, { cause: e });
  }
}

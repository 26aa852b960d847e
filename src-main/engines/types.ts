/**
 * What every engine produces and accepts: recordings in chunks, progress, cancellation,
 * and a result. The CLI's CSV writer and the lab store are both `RecordingSink`s, so an
 * engine never knows where its data goes.
 */
import type { Plan } from '../compiler/plan.js';
import type { ConnectionState } from './connection-state.js';

/** A piece of one probe's recording; chunks of a probe arrive in time order. */
export type RecordingChunk =
  | {
      probe: string;
      kind: 'state';
      /** Index of the first sample in this chunk (sample k is at t = k·every·dt). */
      firstSample: number;
      /** Number of recorded neurons (columns). */
      channels: number;
      /** samples × channels, row-major. */
      values: Float32Array;
    }
  | {
      probe: string;
      kind: 'spikes';
      /** Step of each spike (t = step·dt). */
      steps: Int32Array;
      neurons: Int32Array;
    }
  | {
      probe: string;
      kind: 'rate';
      /** Index of the first bin (bin b starts at t = b·binSteps·dt). */
      firstBin: number;
      /** Rate in Hz per bin. */
      values: Float32Array;
    };

/** Receives recordings as they are produced; may be async (a database write). */
export interface RecordingSink {
  write(chunk: RecordingChunk): void | Promise<void>;
}

export interface Progress {
  /** Steps done so far. */
  step: number;
  steps: number;
  /** Simulated time so far, ms. */
  simulatedMs: number;
  wallMs: number;
}

export interface RunOptions {
  sink?: RecordingSink;
  onProgress?: (p: Progress) => void;
  signal?: AbortSignal;
  /** CPU engine: worker threads to step with (default: chosen for the machine and model). */
  threads?: number;
}

export interface PopulationSummary {
  block: string;
  size: number;
  spikes: number;
  /** Mean rate per neuron over the run, Hz. */
  rateHz: number;
}

export interface RunResult {
  status: 'finished' | 'cancelled';
  stepsDone: number;
  wallMs: number;
  engine: string;
  populations: PopulationSummary[];
  /** CPU engine: worker threads that stepped the run, where more than one. */
  threads?: number;
  /** Plastic synapses: their connections' state at the end (connection-state.ts), kept for "continue from". */
  connectionStates?: ConnectionState[];
}

export interface Engine {
  readonly name: string;
  /**
   * The hardware a run computes on, in one line ("2 × Intel(R) Xeon(R) Processor", a GPU
   * adapter's vendor and device): stored with every run, shown before a run starts.
   */
  readonly device: string;
  run(plan: Plan, options?: RunOptions): Promise<RunResult>;
}

/** A run stopped because a state became NaN or infinite; names where it happened. */
export class NonFiniteStateError extends Error {
  constructor(
    readonly block: string,
    readonly state: string,
    readonly neuron: number,
    readonly fromMs: number,
    readonly toMs: number,
    /** The offending value, when known. */
    readonly value?: number,
  ) {
    const ms = (x: number) => String(Number(x.toPrecision(12)));
    const what = value === undefined ? 'NaN or infinite'
      : Number.isNaN(value) ? 'NaN'
      : Number.isFinite(value) ? `${value}, beyond the range that can be recorded (±3.4e38)` : String(value);
    super(
      `block "${block}": state "${state}" of neuron ${neuron} became ${what} by t = ${ms(toMs)} ms (after t = ${ms(fromMs)} ms); ` +
        'check its parameters and inputs (a time constant near 0, a huge weight or current)',
    );
    this.name = 'NonFiniteStateError';
  }
}

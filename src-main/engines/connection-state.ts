/**
 * The state of a plastic synapse's connections at the end of a run, which a later run can
 * start from ("continue from run #12"): each connection's weight and per-connection states
 * as the engine held them (double precision on the CPU engine), and the step of each
 * connection's last event counted back from the end of the run. Event-driven traces are
 * stored as they were at that event, not decayed to the end of the run: the continuing run
 * starts at step 0 with `last` ≤ 0, so it decays each trace over exactly the steps one
 * longer run would, and gets the same numbers.
 */
export interface ConnectionState {
  /** The plastic synapse block. */
  synapse: string;
  /** Per connection, aligned with the projection's rows by presynaptic neuron (plan byPre). */
  w: Float64Array;
  states: Record<string, Float64Array>;
  /** Step of each connection's last event minus the steps the run did (≤ 0). */
  last: Int32Array;
}

/**
 * Seeded connectivity in compressed sparse rows. Probabilistic rules never test all
 * N_pre·N_post pairs: fixed probability skips ahead by geometric gaps (as Brian2 and GeNN
 * do), so a 256 000-neuron network with p = 80/N builds in time proportional to its
 * connections.
 *
 * Connections are drawn straight into their final arrays, never as a list of pairs to be
 * sorted: the generator is counter-based, so drawing a rule again from a fresh stream gives
 * the same connections, and `drawCsr` draws twice — once to count each row, once to fill
 * it. A model of any size thus holds one copy of its connections, not two or three (and
 * the engine's worker shares that copy, see sharedInt32).
 */
import type { ConnectionDoc } from '../../src-shared/document/schema.js';
import type { Csr } from './plan.js';
import type { HostRandom } from './host-random.js';

/** Most connections of one synapse block: row offsets are 32-bit integers. */
export const MAX_CONNECTIONS = 2 ** 31 - 1;

/** Receives one connection, presynaptic neuron i to postsynaptic neuron j. */
export type VisitConnection = (i: number, j: number) => void;

/**
 * Checks a rule's fields against the sizes without drawing anything (`validate` draws
 * nothing); throws with a message naming the field.
 */
export function checkConnection(conn: ConnectionDoc, nPre: number, nPost: number, sameBlock: boolean): void {
  const allowSelf = conn.selfConnections || !sameBlock;
  switch (conn.rule) {
    case 'one-to-one':
      if (nPre !== nPost) {
        throw new Error(`rule "one-to-one" needs equal sizes, but the presynaptic block has ${nPre} neurons and the postsynaptic ${nPost}`);
      }
      break;
    case 'fixed-probability':
      if (conn.p === undefined) throw new Error('rule "fixed-probability" needs "p"');
      break;
    case 'fixed-indegree': {
      const k = conn.indegree;
      if (k === undefined) throw new Error('rule "fixed-indegree" needs "indegree"');
      const candidates = allowSelf ? nPre : nPre - 1;
      if (k > candidates) throw new Error(`indegree ${k} is more than the ${candidates} possible presynaptic neuron${candidates === 1 ? '' : 's'}`);
      break;
    }
    case 'pairs':
      if (!conn.pairs) throw new Error('rule "pairs" needs "pairs"');
      for (const [i, j] of conn.pairs) {
        if (i >= nPre) throw new Error(`pair [${i}, ${j}]: presynaptic index ${i} is out of range (size ${nPre})`);
        if (j >= nPost) throw new Error(`pair [${i}, ${j}]: postsynaptic index ${j} is out of range (size ${nPost})`);
      }
      break;
    case 'all-to-all':
      break;
  }
}

/**
 * Visits the connections of a rule in draw order; the same `rng` state draws the same
 * connections. Throws with a message naming the field (`checkConnection`).
 */
export function forEachConnection(
  conn: ConnectionDoc,
  nPre: number,
  nPost: number,
  sameBlock: boolean,
  rng: HostRandom,
  visit: VisitConnection,
): void {
  checkConnection(conn, nPre, nPost, sameBlock);
  const allowSelf = conn.selfConnections || !sameBlock;
  switch (conn.rule) {
    case 'all-to-all':
      for (let i = 0; i < nPre; i++) for (let j = 0; j < nPost; j++) if (allowSelf || i !== j) visit(i, j);
      break;
    case 'one-to-one':
      for (let i = 0; i < nPre; i++) visit(i, i);
      break;
    case 'fixed-probability': {
      const p = conn.p!;
      if (p === 0) break;
      const logq = Math.log1p(-p);
      for (let i = 0; i < nPre; i++) {
        let j = -1;
        for (;;) {
          j += p === 1 ? 1 : 1 + Math.floor(Math.log(rng.uniformPositive()) / logq);
          if (j >= nPost) break;
          if (allowSelf || i !== j) visit(i, j);
        }
      }
      break;
    }
    case 'fixed-indegree': {
      const k = conn.indegree!;
      const candidates = allowSelf ? nPre : nPre - 1;
      // Floyd's sampling of k distinct indices out of `candidates`, visited in the order
      // chosen. `mark[c] === j + 1` says c is chosen for row j: typed arrays instead of a Set,
      // whose hashing took most of a draw's time (#15).
      const mark = new Int32Array(candidates);
      const order = new Int32Array(k);
      for (let j = 0; j < nPost; j++) {
        const stamp = j + 1;
        let n = 0;
        for (let r = candidates - k; r < candidates; r++) {
          const t = rng.integer(r + 1);
          const c = mark[t] === stamp ? r : t;
          mark[c] = stamp;
          order[n++] = c;
        }
        for (let m = 0; m < k; m++) {
          const c = order[m]!;
          const i = !allowSelf && c >= j ? c + 1 : c;
          visit(i, j);
        }
      }
      break;
    }
    case 'pairs': {
      for (const [i, j] of conn.pairs!) visit(i, j);
      break;
    }
  }
}

/**
 * An Int32Array on shared memory. The rows live in shared memory so that the CPU engine's
 * worker thread, which receives the plan by structured clone, shares them instead of
 * copying them: a run holds one copy of its connections, not one per thread.
 */
function sharedInt32(length: number): Int32Array {
  return new Int32Array(new SharedArrayBuffer(length * 4));
}

/** A Float32Array on shared memory (weights), for the reason sharedInt32 gives. */
function sharedFloat32(length: number): Float32Array {
  return new Float32Array(new SharedArrayBuffer(length * 4));
}

/** Throws where one synapse block would have more connections than its 32-bit row offsets hold. */
function checkTotal(total: number): void {
  if (total > MAX_CONNECTIONS) throw new Error(`${total} connections are more than the ${MAX_CONNECTIONS} one synapse block may have`);
}

/**
 * Room for the connections of a rule drawn once, sized from the expected count with a
 * margin of ten standard deviations; a draw that needs more is drawn again in two passes.
 */
function onceCapacity(expected: number): number {
  return Math.min(MAX_CONNECTIONS, Math.ceil(expected + 10 * Math.sqrt(expected) + 64));
}

/**
 * Connections in compressed sparse rows by `side` (pre: rows are presynaptic neurons), drawn
 * twice by `draw` — which must draw the same connections on every call — first to count each
 * row, then to fill it in draw order (so the result does not depend on a sort). `weights`
 * gives a fresh drawer of weights, called for each connection (i, j) in draw order. Nothing
 * but the result is held.
 */
export function drawCsr(
  draw: (visit: VisitConnection) => void,
  rows: number,
  side: 'pre' | 'post',
  weights: () => (i: number, j: number) => number,
  /** Per-connection lags, where delays differ per connection (connection-values.ts). */
  lags?: () => (i: number, j: number) => number,
  /** The expected number of connections (estimate.ts connectionCount): allows drawing once. */
  expected?: number,
): Csr {
  if (expected !== undefined) {
    const once = drawCsrOnce(draw, rows, side, weights, lags, expected);
    if (once) return once;
  }
  const byPre = side === 'pre';
  const ptr = sharedInt32(rows + 1);
  let total = 0;
  draw((i, j) => { ptr[(byPre ? i : j) + 1]!++; total++; });
  checkTotal(total);
  for (let r = 0; r < rows; r++) ptr[r + 1]! += ptr[r]!;
  const fill = ptr.slice(0, rows);
  const idx = sharedInt32(total);
  const w = sharedFloat32(total);
  const next = weights();
  const lag = lags ? sharedInt32(total) : undefined;
  const nextLag = lags?.();
  draw((i, j) => {
    const at = fill[byPre ? i : j]!++;
    idx[at] = byPre ? j : i;
    w[at] = next(i, j);
    if (lag) lag[at] = nextLag!(i, j);
  });
  return lag ? { ptr, idx, w, lag } : { ptr, idx, w };
}

/** Thrown from a visit to end a draw early (drawCsrOnce). */
const NOT_IN_ROW_ORDER = Symbol('not in row order');

/**
 * One draw instead of two, where a rule visits connections row by row (fixed probability
 * and all-to-all by pre, fixed in-degree by post): each connection is written where it
 * belongs as it is drawn, into arrays sized for the expected count with a margin of ten
 * standard deviations. Gives what drawCsr's two passes give — same rows, same order, same
 * weights — or null, as soon as a row comes out of order or the margin is exceeded (then
 * the two passes run). The arrays are views of that length on the slightly larger buffers.
 */
function drawCsrOnce(
  draw: (visit: VisitConnection) => void,
  rows: number,
  side: 'pre' | 'post',
  weights: () => (i: number, j: number) => number,
  lags: (() => (i: number, j: number) => number) | undefined,
  expected: number,
): Csr | null {
  const byPre = side === 'pre';
  const capacity = onceCapacity(expected);
  const ptr = sharedInt32(rows + 1);
  const idx = sharedInt32(capacity);
  const w = sharedFloat32(capacity);
  const lag = lags ? sharedInt32(capacity) : undefined;
  const next = weights();
  const nextLag = lags?.();
  let total = 0;
  let row = 0; // rows up to `row` have their start in ptr
  try {
    draw((i, j) => {
      const r = byPre ? i : j;
      if (r < row || total >= capacity) throw NOT_IN_ROW_ORDER;
      while (row < r) ptr[++row] = total;
      idx[total] = byPre ? j : i;
      w[total] = next(i, j);
      if (lag) lag[total] = nextLag!(i, j);
      total++;
    });
  } catch (e) {
    if (e === NOT_IN_ROW_ORDER) return null;
    throw e;
  }
  while (row < rows) ptr[++row] = total;
  const csr: Csr = { ptr, idx: idx.subarray(0, total), w: w.subarray(0, total) };
  if (lag) csr.lag = lag.subarray(0, total);
  return csr;
}

/** Uniforms the fast paths below take from their stream at once. */
const UNIFORMS = 256;

/**
 * Fixed probability with one weight for every connection and one delay — the rule of most
 * large networks (COBA, Brunel) — in rows by presynaptic neuron: what drawCsr gives for it
 * (the same connections in the same order: forEachConnection's geometric gaps from the same
 * uniforms), drawn in one loop that calls nothing per connection. A first draw ran mostly
 * unoptimised through forEachConnection's call per connection and per uniform: COBA 4000's
 * four draws took 45-65 ms in a fresh process, 25-30 once optimised (#15). `rng` is used
 * up (it draws uniforms ahead). Null where the count exceeds the expected one by more than
 * drawCsrOnce's margin: drawCsr's passes then apply.
 */
export function drawFixedProbabilityCsr(
  p: number, nPre: number, nPost: number, allowSelf: boolean, rng: HostRandom, weight: number, expected: number,
): Csr | null {
  const capacity = onceCapacity(expected);
  const ptr = sharedInt32(nPre + 1);
  const idx = sharedInt32(capacity);
  const u = new Float64Array(UNIFORMS);
  const logq = Math.log1p(-p);
  let at = UNIFORMS;
  let total = 0;
  for (let i = 0; i < nPre && p > 0; i++) {
    let j = -1;
    for (;;) {
      if (p === 1) j++;
      else {
        if (at === UNIFORMS) { rng.fillUniform(u); at = 0; }
        j += 1 + Math.floor(Math.log(1 - u[at++]!) / logq); // 1 - u: uniformPositive()
      }
      if (j >= nPost) break;
      if (!allowSelf && i === j) continue;
      if (total === capacity) return null;
      idx[total++] = j;
    }
    ptr[i + 1] = total;
  }
  const w = sharedFloat32(capacity).subarray(0, total);
  w.fill(weight);
  return { ptr, idx: idx.subarray(0, total), w };
}

/**
 * Fixed in-degree with one weight for every connection and one delay (Brunel 2000's rule),
 * in rows by presynaptic neuron: what drawCsr gives for it — forEachConnection's Floyd
 * sampling of each column from the same uniforms — in two loops that call nothing per
 * connection, one counting each row, one filling it (a row lists its targets j ascending
 * whatever the order a column drew them in, so the second loop writes them as they come).
 * `rng` gives a fresh stream of the rule for each loop. The general path's call per
 * connection drew Brunel 2000's 12.5 million connections in 1.3-1.5 s (#15).
 */
export function drawFixedIndegreeCsr(
  k: number, nPre: number, nPost: number, allowSelf: boolean, rng: () => HostRandom, weight: number,
): Csr {
  const candidates = allowSelf ? nPre : nPre - 1;
  const total = nPost * k;
  checkTotal(total);
  const ptr = sharedInt32(nPre + 1);
  const idx = sharedInt32(total);
  const mark = new Int32Array(Math.max(0, candidates));
  const u = new Float64Array(UNIFORMS);
  // Each column's k distinct candidates (Floyd), c → presynaptic neuron i; `fill` null: counts.
  const columns = (fill: Int32Array | null) => {
    const r0 = rng();
    let at = UNIFORMS;
    mark.fill(0);
    for (let j = 0; j < nPost; j++) {
      const stamp = j + 1;
      for (let r = candidates - k; r < candidates; r++) {
        if (at === UNIFORMS) { r0.fillUniform(u); at = 0; }
        const t = Math.floor(u[at++]! * (r + 1)); // HostRandom.integer(r + 1)
        const c = mark[t] === stamp ? r : t;
        mark[c] = stamp;
        const i = !allowSelf && c >= j ? c + 1 : c;
        if (fill) idx[fill[i]!++] = j;
        else ptr[i + 1]!++;
      }
    }
  };
  columns(null);
  for (let i = 0; i < nPre; i++) ptr[i + 1]! += ptr[i]!;
  columns(ptr.slice(0, nPre));
  const w = sharedFloat32(total);
  w.fill(weight);
  return { ptr, idx, w };
}

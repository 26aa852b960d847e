/**
 * Seeded connectivity in compressed sparse rows. Probabilistic rules never test all
 * N_pre·N_post pairs: fixed probability skips ahead by geometric gaps (as Brian2 and GeNN
 * do), so a 256 000-neuron network with p = 80/N builds in time proportional to its
 * connections.
 */
import type { ConnectionDoc } from '../../src-shared/document/schema.js';
import type { Csr } from './plan.js';
import type { HostRandom } from './host-random.js';

export interface Pairs {
  pre: Int32Array;
  post: Int32Array;
}

/** Growable pair buffer (connections are counted only while they are drawn). */
class PairBuffer {
  pre = new Int32Array(1024);
  post = new Int32Array(1024);
  length = 0;

  push(i: number, j: number): void {
    if (this.length === this.pre.length) {
      const grow = (a: Int32Array) => { const b = new Int32Array(a.length * 2); b.set(a); return b; };
      this.pre = grow(this.pre);
      this.post = grow(this.post);
    }
    this.pre[this.length] = i;
    this.post[this.length] = j;
    this.length++;
  }

  done(): Pairs {
    return { pre: this.pre.subarray(0, this.length), post: this.post.subarray(0, this.length) };
  }
}

/** Draws the (pre, post) pairs of a connection rule; throws with a message naming the field. */
export function connect(
  conn: ConnectionDoc,
  nPre: number,
  nPost: number,
  sameBlock: boolean,
  rng: HostRandom,
): Pairs {
  const out = new PairBuffer();
  const allowSelf = conn.selfConnections || !sameBlock;
  switch (conn.rule) {
    case 'all-to-all':
      for (let i = 0; i < nPre; i++) for (let j = 0; j < nPost; j++) if (allowSelf || i !== j) out.push(i, j);
      break;
    case 'one-to-one':
      if (nPre !== nPost) {
        throw new Error(`rule "one-to-one" needs equal sizes, but the presynaptic block has ${nPre} neurons and the postsynaptic ${nPost}`);
      }
      for (let i = 0; i < nPre; i++) out.push(i, i);
      break;
    case 'fixed-probability': {
      const p = conn.p;
      if (p === undefined) throw new Error('rule "fixed-probability" needs "p"');
      if (p === 0) break;
      const logq = Math.log1p(-p);
      for (let i = 0; i < nPre; i++) {
        let j = -1;
        for (;;) {
          j += p === 1 ? 1 : 1 + Math.floor(Math.log(rng.uniformPositive()) / logq);
          if (j >= nPost) break;
          if (allowSelf || i !== j) out.push(i, j);
        }
      }
      break;
    }
    case 'fixed-indegree': {
      const k = conn.indegree;
      if (k === undefined) throw new Error('rule "fixed-indegree" needs "indegree"');
      const candidates = allowSelf ? nPre : nPre - 1;
      if (k > candidates) throw new Error(`indegree ${k} is more than the ${candidates} possible presynaptic neurons`);
      const chosen = new Set<number>();
      for (let j = 0; j < nPost; j++) {
        // Floyd's sampling of k distinct indices out of `candidates`.
        chosen.clear();
        for (let r = candidates - k; r < candidates; r++) {
          const t = rng.integer(r + 1);
          chosen.add(chosen.has(t) ? r : t);
        }
        for (const c of chosen) {
          const i = !allowSelf && c >= j ? c + 1 : c;
          out.push(i, j);
        }
      }
      break;
    }
    case 'pairs': {
      if (!conn.pairs) throw new Error('rule "pairs" needs "pairs"');
      for (const [i, j] of conn.pairs) {
        if (i >= nPre) throw new Error(`pair [${i}, ${j}]: presynaptic index ${i} is out of range (size ${nPre})`);
        if (j >= nPost) throw new Error(`pair [${i}, ${j}]: postsynaptic index ${j} is out of range (size ${nPost})`);
        out.push(i, j);
      }
      break;
    }
  }
  return out.done();
}

/**
 * Sorts connections into rows (`rows` = pre or post side) by counting sort, keeping the
 * draw order inside a row so the result does not depend on the sort.
 */
export function toCsr(rowOf: Int32Array, colOf: Int32Array, weights: Float32Array, rows: number): Csr {
  const ptr = new Int32Array(rows + 1);
  for (let k = 0; k < rowOf.length; k++) ptr[rowOf[k]! + 1]!++;
  for (let r = 0; r < rows; r++) ptr[r + 1]! += ptr[r]!;
  const fill = ptr.slice(0, rows);
  const idx = new Int32Array(rowOf.length);
  const w = new Float32Array(rowOf.length);
  for (let k = 0; k < rowOf.length; k++) {
    const at = fill[rowOf[k]!]!++;
    idx[at] = colOf[k]!;
    w[at] = weights[k]!;
  }
  return { ptr, idx, w };
}

/**
 * The order of blocks inside a step (assets/docs/models.md, "Order inside a step"): condense the graph
 * into strongly connected components (Tarjan), order the components topologically (ties
 * broken by document order, so the order is stable), and inside a component put synapses
 * before everything else. A component with a cycle but no synapse is an algebraic loop.
 */

export interface OrderNode {
  id: string;
  isSynapse: boolean;
}

export interface OrderResult {
  /** Components in execution order; inside each, execution order of the blocks. */
  components: string[][];
  /** Components that are cycles through no synapse. */
  algebraicLoops: string[][];
}

/** `edges` are [from, to]: `to` reads an output of `from`. */
export function orderBlocks(nodes: readonly OrderNode[], edges: ReadonlyArray<readonly [string, string]>): OrderResult {
  const index = new Map(nodes.map((n, i) => [n.id, i]));
  const adj: number[][] = nodes.map(() => []);
  const selfLoop = new Set<number>();
  for (const [from, to] of edges) {
    const a = index.get(from);
    const b = index.get(to);
    if (a === undefined || b === undefined) continue;
    adj[a]!.push(b);
    if (a === b) selfLoop.add(a);
  }

  // Tarjan's algorithm, iterative so that deep graphs cannot overflow the stack.
  const n = nodes.length;
  const low = new Array<number>(n).fill(0);
  const num = new Array<number>(n).fill(-1);
  const onStack = new Array<boolean>(n).fill(false);
  const stack: number[] = [];
  const comp = new Array<number>(n).fill(-1);
  const comps: number[][] = [];
  let counter = 0;
  for (let root = 0; root < n; root++) {
    if (num[root] !== -1) continue;
    const work: Array<[number, number]> = [[root, 0]];
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      const [v, i] = frame;
      if (i === 0) {
        num[v] = low[v] = counter++;
        stack.push(v);
        onStack[v] = true;
      }
      if (i < adj[v]!.length) {
        frame[1] = i + 1;
        const w = adj[v]![i]!;
        if (num[w] === -1) work.push([w, 0]);
        else if (onStack[w]) low[v] = Math.min(low[v]!, num[w]!);
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1]![0];
        low[parent] = Math.min(low[parent]!, low[v]!);
      }
      if (low[v] === num[v]) {
        const members: number[] = [];
        let w: number;
        do {
          w = stack.pop()!;
          onStack[w] = false;
          comp[w] = comps.length;
          members.push(w);
        } while (w !== v);
        comps.push(members);
      }
    }
  }

  // Kahn's algorithm on the condensation; the ready component with the smallest
  // document index goes first.
  const indeg = new Array<number>(comps.length).fill(0);
  const cadj: Set<number>[] = comps.map(() => new Set());
  for (let a = 0; a < n; a++) {
    for (const b of adj[a]!) {
      const ca = comp[a]!;
      const cb = comp[b]!;
      if (ca !== cb && !cadj[ca]!.has(cb)) {
        cadj[ca]!.add(cb);
        indeg[cb]!++;
      }
    }
  }
  const minIndex = comps.map((m) => Math.min(...m));
  const ready = comps.map((_, c) => c).filter((c) => indeg[c] === 0);
  const components: string[][] = [];
  const algebraicLoops: string[][] = [];
  while (ready.length > 0) {
    ready.sort((x, y) => minIndex[x]! - minIndex[y]!);
    const c = ready.shift()!;
    const members = [...comps[c]!].sort((x, y) => x - y);
    const synapses = members.filter((m) => nodes[m]!.isSynapse);
    const others = members.filter((m) => !nodes[m]!.isSynapse);
    const ids = [...synapses, ...others].map((m) => nodes[m]!.id);
    components.push(ids);
    const cyclic = members.length > 1 || selfLoop.has(members[0]!);
    if (cyclic && synapses.length === 0) algebraicLoops.push(members.map((m) => nodes[m]!.id));
    for (const d of cadj[c]!) if (--indeg[d]! === 0) ready.push(d);
  }
  return { components, algebraicLoops };
}

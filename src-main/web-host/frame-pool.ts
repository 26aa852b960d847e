/**
 * A small pool of worker threads that check request frames (frame-checks.ts), so that a
 * 16 MB document being parsed, validated or compiled never holds up the web host's event
 * loop: other requests (and other clients) are answered meanwhile. Workers start on first
 * use, take one job at a time, and a worker that dies (out of memory on a hostile
 * document) fails only its own job and is replaced.
 */
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import type { CheckedFrame } from './frame-checks.js';

type Input = { bytes: Uint8Array } | { frame: unknown };

/**
 * A worker's heap limit, MB: room for the largest frame parsed (16 MB of text and its
 * objects), and small enough that its garbage is collected early instead of crowding the
 * host's memory; a frame that needs more ends that worker only (its job is answered with an
 * error).
 */
const WORKER_HEAP_MB = 512;
interface Job {
  job: number;
  input: Input;
  resolve(checked: CheckedFrame): void;
  reject(err: Error): void;
}
type Reply = { job: number; checked: CheckedFrame } | { job: number; failed: string };

/** Starts a worker: compiled JavaScript as is, TypeScript sources through tsx (as cpu-engine.ts does). */
function startWorker(): Worker {
  const options = { resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB } };
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./frame-worker.js', import.meta.url), options);
  const api = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  const entry = JSON.stringify(new URL('./frame-worker.ts', import.meta.url).href);
  return new Worker(`import(${api}).then((m) => { m.register(); return import(${entry}); });`, { eval: true, ...options });
}

export class FramePool {
  private readonly idle: Worker[] = [];
  private readonly busy = new Map<Worker, Job>();
  private readonly queue: Job[] = [];
  private started = 0;
  private next = 1;
  private closed = false;

  /** At most `size` workers (default: one per core but one, at least one, at most 4). */
  constructor(private readonly size = Math.min(4, Math.max(1, os.availableParallelism() - 1))) {}

  /** Checks a frame's bytes (parsed in the worker) or an already parsed frame. */
  check(input: Input): Promise<CheckedFrame> {
    if (this.closed) return Promise.reject(new Error('the web host is shutting down'));
    return new Promise((resolve, reject) => {
      this.queue.push({ job: this.next++, input, resolve, reject });
      this.pump();
    });
  }

  /** Stops every worker; jobs not done are refused. */
  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(new Error('the web host is shutting down'));
    const all = [...this.idle, ...this.busy.keys()];
    this.idle.length = 0;
    await Promise.all(all.map((w) => w.terminate()));
  }

  private pump(): void {
    while (this.queue.length > 0) {
      let worker = this.idle.pop();
      if (!worker && this.started < this.size) worker = this.spawn();
      if (!worker) return;
      const job = this.queue.shift()!;
      this.busy.set(worker, job);
      // A frame's own bytes move to the worker instead of being copied (a 16 MB frame
      // would otherwise be held twice); bytes that share their memory are copied.
      const bytes = 'bytes' in job.input ? job.input.bytes : undefined;
      const own = bytes && bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && !(bytes.buffer instanceof SharedArrayBuffer);
      worker.postMessage({ job: job.job, ...job.input }, own ? [bytes.buffer as ArrayBuffer] : []);
    }
  }

  private spawn(): Worker {
    const worker = startWorker();
    this.started++;
    worker.unref(); // an idle pool never keeps the process alive
    worker.on('message', (reply: Reply) => {
      const job = this.busy.get(worker);
      this.busy.delete(worker);
      if (!this.closed) this.idle.push(worker);
      if (job && job.job === reply.job) {
        if ('checked' in reply) job.resolve(reply.checked);
        else job.reject(new Error(reply.failed));
      }
      this.pump();
    });
    let gone = false;
    const lost = (err: Error) => {
      if (gone) return; // 'error' is followed by 'exit'
      gone = true;
      const job = this.busy.get(worker);
      this.busy.delete(worker);
      const at = this.idle.indexOf(worker);
      if (at >= 0) this.idle.splice(at, 1);
      this.started--;
      job?.reject(err);
      if (!this.closed) this.pump();
    };
    worker.on('error', lost);
    worker.on('exit', (code) => lost(new Error(`the worker checking the request stopped (exit code ${code})`)));
    return worker;
  }
}

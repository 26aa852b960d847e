/**
 * A worker thread of the frame-check pool (frame-pool.ts): checks one frame at a time
 * (frame-checks.ts) and posts the outcome back. Plans hold their connections in shared
 * memory, so a compiled plan crosses without a copy of its connections.
 */
import { parentPort } from 'node:worker_threads';
import { checkFrame, checkFrameBytes, type CheckedFrame } from './frame-checks.js';

type Job = { job: number; bytes: Uint8Array } | { job: number; frame: unknown };

parentPort!.on('message', (message: Job) => {
  const outcome: Promise<CheckedFrame> = 'bytes' in message ? checkFrameBytes(message.bytes) : checkFrame(message.frame);
  outcome
    .then((checked) => parentPort!.postMessage({ job: message.job, checked }))
    // Something that cannot be posted (or a bug) still answers the job.
    .catch((err: unknown) => parentPort!.postMessage({ job: message.job, failed: (err as Error)?.message ?? String(err) }));
});

/**
 * Temporary folders for the lab-store tests (removed after each test), plus the synthetic
 * data of synthetic.ts.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';

export * from './synthetic.js';

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** A fresh temporary folder, removed after the test. */
export function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spikeflow-store-'));
  made.push(dir);
  return dir;
}

/** A fresh lab path inside a temporary folder (the file does not exist yet). */
export function tempLabPath(): string {
  return path.join(tempDir(), 'lab.sqlite');
}

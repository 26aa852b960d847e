/**
 * bin/spikeflow.js runs the CLI bundle only while it is up to date: built (inputs.json and
 * the entry file present) and no source it lists missing or modified after the build began.
 * Checked on a scratch tree whose file times are set explicitly.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { currentBundle } from '../../bin/cli-bundle.js';

const builtAtMs = Date.UTC(2026, 0, 1);
let root: string;

function write(file: string, text: string, mtimeMs: number): void {
  const p = path.join(root, file);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, text);
  fs.utimesSync(p, new Date(mtimeMs), new Date(mtimeMs));
}

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'spikeflow-cli-bundle-'));
  write('src-main/cli/main.ts', 'export {};', builtAtMs - 60_000);
  write('kernels/index.ts', 'export {};', builtAtMs - 60_000);
  write('dist/cli/cli/main.js', '', builtAtMs + 1_000);
  write('dist/cli/cli/main.script.cjs', '', builtAtMs + 1_000);
  write('dist/cli/inputs.json', JSON.stringify({ builtAtMs, files: ['src-main/cli/main.ts', 'kernels/index.ts'] }), builtAtMs + 1_000);
});

afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

describe('currentBundle', () => {
  it('is the bundle entry when every listed source is older than the build', () => {
    expect(currentBundle(root)).toBe(path.join(root, 'dist', 'cli', 'cli', 'main.js'));
  });

  it('is null once a listed source is modified after the build began', () => {
    write('kernels/index.ts', 'export const x = 1;', builtAtMs + 500);
    expect(currentBundle(root)).toBeNull();
  });

  it('is null when a listed source is gone', () => {
    fs.rmSync(path.join(root, 'kernels', 'index.ts'));
    expect(currentBundle(root)).toBeNull();
  });

  it('is null without a build, or with an entry file missing or an unreadable inputs.json', () => {
    fs.rmSync(path.join(root, 'dist', 'cli', 'cli', 'main.js'));
    expect(currentBundle(root)).toBeNull();
    write('dist/cli/cli/main.js', '', builtAtMs + 1_000);
    fs.rmSync(path.join(root, 'dist', 'cli', 'cli', 'main.script.cjs'));
    expect(currentBundle(root)).toBeNull();
    write('dist/cli/cli/main.script.cjs', '', builtAtMs + 1_000);
    expect(currentBundle(root)).not.toBeNull();
    write('dist/cli/inputs.json', '{ not json', builtAtMs + 1_000);
    expect(currentBundle(root)).toBeNull();
    fs.rmSync(path.join(root, 'dist'), { recursive: true });
    expect(currentBundle(root)).toBeNull();
  });
});

/**
 * The app shell as scripts/build-app.ts bundles it, checked without the Electron binary:
 * the sandboxed preload is CommonJS and needs nothing but `electron`; the main bundle
 * imports only Node built-ins, `electron` and production dependencies (devDependencies are
 * not packaged); and the service bundled the same way runs a model in plain Node with the
 * CPU worker found beside the bundle, as in the packaged app.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appBuilds, buildApp } from '../../scripts/build-app.js';
import { importsOf } from '../helpers/bundle-imports.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
// Inside the repository so that the bundles resolve node_modules as the app does.
const out = path.join(root, 'dist', `.test-app-bundle-${process.pid}`);
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };

/** The package name of a bare specifier ("@scope/x/y" → "@scope/x"). */
const packageOf = (spec: string) => (spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);

beforeAll(async () => {
  await buildApp({ outDir: out, quiet: true });
}, 60_000);

afterAll(() => {
  fs.rmSync(out, { recursive: true, force: true });
});

describe('app bundles', () => {
  it('writes main, the CPU worker, the WebGPU engine and the preload', () => {
    for (const f of ['main.js', 'cpu-worker.js', 'webgpu/index.js', 'preload.cjs']) expect(fs.existsSync(path.join(out, f)), f).toBe(true);
  });

  it('builds a CommonJS preload that requires only electron', () => {
    const code = fs.readFileSync(path.join(out, 'preload.cjs'), 'utf8');
    expect(code).not.toMatch(/^\s*(import|export)\s/m);
    expect(importsOf(code)).toEqual(['electron']);
    expect(code).toContain('exposeInMainWorld("spikeflow"');
  });

  it('loads only built-ins, electron and production dependencies at run time', () => {
    for (const file of ['main.js', 'cpu-worker.js', 'webgpu/index.js']) {
      const code = fs.readFileSync(path.join(out, file), 'utf8');
      for (const spec of importsOf(code)) {
        if (spec.startsWith('node:') || spec.startsWith('./') || spec === 'electron') continue;
        expect(Object.keys(pkg.dependencies), `${file} imports ${spec}`).toContain(packageOf(spec));
      }
    }
    const main = fs.readFileSync(path.join(out, 'main.js'), 'utf8');
    expect(importsOf(main)).toContain('electron');
    expect(importsOf(fs.readFileSync(path.join(out, 'cpu-worker.js'), 'utf8'))).not.toContain('electron');
  });

  it('runs a model through the bundled service in plain Node, with the worker beside the bundle', async () => {
    const [esm] = appBuilds(out);
    await build({ ...esm!, entryPoints: { 'service-check': 'test/app/fixtures/bundled-service-check.ts' }, logLevel: 'error' });
    const db = path.join(out, 'check.sqlite');
    const stdout = execFileSync(process.execPath, [path.join(out, 'service-check.js'), db, path.join(root, 'assets', 'examples')], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(JSON.parse(stdout.trim().split('\n').at(-1)!)).toEqual({
      status: 'finished',
      samples: 1001,
      events: expect.arrayContaining(['run-progress', 'run-data', 'run-ended']),
    });
  }, 90_000);
});

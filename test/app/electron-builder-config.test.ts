/**
 * electron-builder.yml, validated offline: the configuration passes electron-builder's own
 * schema validation (the step that reports errors before any download), names the four
 * installer targets and unpacks the native modules; and on Linux a `--dir` packaging with a
 * stub Electron distribution (no download, no native rebuild) produces an app.asar holding
 * the shell, the examples and package.json with the packaged entry point, with better-sqlite3
 * and Dawn's .node files unpacked beside it.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../scripts/build-app.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const require = createRequire(import.meta.url);

interface BuilderConfig {
  extraMetadata?: { main?: string };
  files?: unknown;
  asar?: boolean;
  asarUnpack?: string[];
  afterPack?: unknown;
  linux?: { target?: unknown };
  mac?: { target?: unknown };
  win?: { target?: unknown };
  [key: string]: unknown;
}

const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
  getConfig(projectDir: string, configPath: string | null, fromOptions: unknown): Promise<BuilderConfig>;
  validateConfiguration(config: BuilderConfig, logger: unknown): Promise<void>;
};
const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };

const fuses = require('../../src-main/app/electron-fuses.cjs') as {
  flipFuses(file: string): number;
  readFuses(file: string): Record<string, boolean>;
  SENTINEL: string;
};

/** Electron 41's fuses as shipped: RunAsNode, NODE_OPTIONS, --inspect and file:// privileges on. */
const DEFAULT_FUSES = '10110001';
/** A fuse wire (version 1) as it sits in an Electron binary. */
const fuseWire = (bits: string) => Buffer.concat([Buffer.from(fuses.SENTINEL, 'latin1'), Buffer.from([1, bits.length]), Buffer.from(bits, 'latin1')]);
const SHIPPED_FUSES = {
  RunAsNode: false,
  EnableCookieEncryption: true,
  EnableNodeOptionsEnvironmentVariable: false,
  EnableNodeCliInspectArguments: false,
  EnableEmbeddedAsarIntegrityValidation: true,
  OnlyLoadAppFromAsar: true,
  LoadBrowserProcessSpecificV8Snapshot: false,
  GrantFileProtocolExtraPrivileges: false,
};

const targetsOf = (t: unknown): string[] => (Array.isArray(t) ? t : [t]).map((x) => (typeof x === 'string' ? x : (x as { target: string }).target));

const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'spikeflow-builder-'));
afterAll(() => fs.rmSync(temp, { recursive: true, force: true }));

describe('electron-builder.yml', () => {
  it("passes electron-builder's validation and packages the four targets with native modules unpacked", async () => {
    const config = await getConfig(root, 'electron-builder.yml', null);
    await validateConfiguration(config, new DebugLogger(false));
    expect(targetsOf(config.linux?.target).sort()).toEqual(['AppImage', 'deb']);
    expect(targetsOf(config.mac?.target)).toEqual(['dmg']);
    expect(targetsOf(config.win?.target)).toEqual(['nsis']);
    expect(config.asar).toBe(true);
    expect(config.asarUnpack).toEqual(expect.arrayContaining(['**/*.node', 'node_modules/better-sqlite3/**/*', 'node_modules/webgpu/dist/**/*']));
    expect(config.extraMetadata?.main).toBe('dist/app/main.js');
    const files = JSON.stringify(config.files);
    for (const f of ['dist/app/**/*', 'dist/renderer/**/*', 'assets/examples/*.json', 'package.json']) expect(files).toContain(f);
    expect(config.afterPack).toBe('src-main/app/electron-fuses.cjs');
  });

  it('flips the fuses: RunAsNode, NODE_OPTIONS and --inspect off; cookie encryption, asar integrity, asar-only on', () => {
    const binary = path.join(temp, 'fake-electron');
    // Electron's defaults, twice (a universal macOS binary has a wire per architecture).
    fs.writeFileSync(binary, Buffer.concat([Buffer.from('ELF…'), fuseWire(DEFAULT_FUSES), Buffer.from('…'), fuseWire(DEFAULT_FUSES)]));
    expect(fuses.flipFuses(binary)).toBe(2);
    expect(fuses.readFuses(binary)).toEqual(SHIPPED_FUSES);
    const bytes = fs.readFileSync(binary);
    expect(bytes.subarray(bytes.lastIndexOf(fuses.SENTINEL) + fuses.SENTINEL.length + 2).toString('latin1')).toBe('01001100');
    fs.writeFileSync(binary, 'not electron');
    expect(() => fuses.flipFuses(binary)).toThrow(`${binary} has no Electron fuse wire`);
    fs.writeFileSync(binary, fuseWire('101'));
    expect(() => fuses.flipFuses(binary)).toThrow('this Electron has no fuse EnableNodeCliInspectArguments');
  });

  it('is checked for real: a misspelled option is refused', async () => {
    const config = await getConfig(root, 'electron-builder.yml', null);
    const bad = { ...config, linux: { ...config.linux, tagret: ['AppImage'] } };
    await expect(validateConfiguration(bad, new DebugLogger(false))).rejects.toThrow(/configuration object that does not match the API schema/);
  });

  it.runIf(process.platform === 'linux' && process.arch === 'x64')(
    'packages a --dir build from a stub Electron distribution, offline',
    async () => {
      await buildApp({ quiet: true });
      const stub = path.join(temp, 'electron-dist');
      fs.mkdirSync(path.join(stub, 'resources'), { recursive: true });
      fs.writeFileSync(path.join(stub, 'electron'), Buffer.concat([Buffer.from('#!/bin/sh\necho stub\n# '), fuseWire(DEFAULT_FUSES), Buffer.from('\n')]), { mode: 0o755 });
      fs.writeFileSync(path.join(stub, 'version'), 'v41.7.1');
      const output = path.join(temp, 'release');
      await promisify(execFile)(
        process.execPath,
        [
          require.resolve('electron-builder/cli.js'), '--linux', 'dir', '--projectDir', root,
          `-c.electronDist=${stub}`, '-c.npmRebuild=false', `-c.directories.output=${output}`,
        ],
        { cwd: root, timeout: 120_000, env: { ...process.env, CSC_IDENTITY_AUTO_DISCOVERY: 'false' } },
      );
      const resources = path.join(output, 'linux-unpacked', 'resources');
      expect(fs.existsSync(path.join(output, 'linux-unpacked', 'spikeflow'))).toBe(true);
      // The afterPack hook flipped the fuses of the packaged binary.
      expect(fuses.readFuses(path.join(output, 'linux-unpacked', 'spikeflow'))).toEqual(SHIPPED_FUSES);

      const asar = require('@electron/asar') as { listPackage(a: string, o: object): string[]; extractFile(a: string, f: string): Buffer };
      const archive = path.join(resources, 'app.asar');
      const listed = asar.listPackage(archive, { isPack: false }).map((f) => f.replace(/\\/g, '/'));
      for (const f of ['/package.json', '/dist/app/main.js', '/dist/app/cpu-worker.js', '/dist/app/webgpu/index.js', '/dist/app/preload.cjs', '/assets/examples/ampa-lif.json']) {
        expect(listed, f).toContain(f);
      }
      expect(listed.filter((f) => /^\/(src-main|src-shared|test|kernels|bench|scripts)\//.test(f))).toEqual([]);
      expect(listed.filter((f) => f.endsWith('.map'))).toEqual([]);
      expect(listed.some((f) => f.startsWith('/node_modules/vitest/'))).toBe(false);
      expect(listed.some((f) => f.startsWith('/node_modules/zod/'))).toBe(true);
      const pkg = JSON.parse(asar.extractFile(archive, 'package.json').toString('utf8')) as { main: string; type: string };
      expect(pkg).toMatchObject({ main: 'dist/app/main.js', type: 'module' });

      const unpacked = path.join(resources, 'app.asar.unpacked', 'node_modules');
      expect(fs.existsSync(path.join(unpacked, 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node'))).toBe(true);
      expect(fs.existsSync(path.join(unpacked, 'webgpu', 'dist', 'linux-x64', 'dawn.node'))).toBe(true);
      expect(fs.readdirSync(path.join(unpacked, 'webgpu', 'dist'))).toEqual(['linux-x64']);
    },
    90_000,
  );
});

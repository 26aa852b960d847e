/**
 * `spikeflow --version` (src-main/cli/version.ts): the package's version, from its
 * package.json, whichever way the command runs (the sources here, the built command below
 * dist/cli in test/scripts/build-cli.test.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { packageVersion } from '../../src-main/cli/version.js';
import { cli, ROOT } from '../helpers/cli.js';

const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

describe('spikeflow --version', () => {
  it('is the version in package.json, found from a module anywhere below the package', () => {
    expect(VERSION).toMatch(/^\d+\.\d+\.\d+/);
    expect(packageVersion()).toBe(VERSION);
    expect(packageVersion(pathToFileURL(join(ROOT, 'dist', 'cli', 'cli', 'main.js')).href)).toBe(VERSION);
  });

  it('is printed by --version and -V, with exit code 0, and listed in the help', () => {
    for (const flag of ['--version', '-V']) {
      const r = cli(flag);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout.trim()).toBe(VERSION);
    }
    expect(cli('--help').stdout).toMatch(/-V, --version\s+print the version/);
  });
});

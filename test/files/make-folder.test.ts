/**
 * makeFolder (src-main/files/make-folder.ts): `mkdir -p` for folders a user names, which
 * returns with an error where Node's recursive mkdir never returned (a path under /proc;
 * the CLI's check of that is in test/cli/cli-errors.test.ts, in a child process that can be
 * timed out).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeFolder } from '../../src-main/files/make-folder.js';

let tmp: string;
beforeEach(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'spikeflow-make-folder-')); });
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('makeFolder', () => {
  it('makes the missing folders of a path, and leaves an existing one as it is', () => {
    const deep = path.join(tmp, 'a', 'b', 'c');
    makeFolder(deep);
    expect(fs.statSync(deep).isDirectory()).toBe(true);
    fs.writeFileSync(path.join(deep, 'kept.csv'), 'x');
    makeFolder(deep);
    makeFolder(path.join(tmp, 'a'));
    expect(fs.readFileSync(path.join(deep, 'kept.csv'), 'utf8')).toBe('x');
  });

  it('takes a relative path from the working folder', () => {
    const cwd = process.cwd();
    try {
      process.chdir(tmp);
      makeFolder(path.join('x', 'y'));
      expect(fs.statSync(path.join(tmp, 'x', 'y')).isDirectory()).toBe(true);
    } finally {
      process.chdir(cwd);
    }
  });

  it('refuses a path through a file, naming the file, and makes nothing', () => {
    fs.writeFileSync(path.join(tmp, 'f'), '');
    expect(() => makeFolder(path.join(tmp, 'f', 'g', 'h'))).toThrow(`${path.join(tmp, 'f')} is not a folder`);
    expect(() => makeFolder(path.join(tmp, 'f'))).toThrow('is not a folder');
    expect(fs.readdirSync(tmp)).toEqual(['f']);
  });

  it.skipIf(!fs.existsSync('/proc/self'))('returns with an error for a path under /proc', () => {
    expect(() => makeFolder('/proc/spikeflow-test/out')).toThrow(/ENOENT|EACCES|EPERM/);
  });
});

/**
 * Rules around the shell that need no Electron: only src-main/app and src-main/preload
 * import `electron`; the sender check and window preferences; the menu on macOS and in
 * packaged builds; and `npm start`'s search for the Electron binary, which must never
 * trigger a download.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildMenuTemplate, type MenuCommand } from '../../src-main/app/menu.js';
import { appWebPreferences, isAppUrl, isTrustedSender } from '../../src-main/app/security.js';
import { findElectronBinary } from '../../scripts/start.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sources(p) : /\.(ts|svelte|js)$/.test(e.name) ? [p] : [];
  });
}

describe('layering', () => {
  it('imports electron only in src-main/app and src-main/preload', () => {
    const offenders = ['src-main', 'src-shared', 'kernels', 'src-renderer']
      .filter((d) => fs.existsSync(path.join(root, d)))
      .flatMap((d) => sources(path.join(root, d)))
      .filter((f) => !/src-main[\\/](app|preload)[\\/]/.test(f))
      .filter((f) => /from\s+['"]electron['"]|require\(\s*['"]electron['"]\s*\)|import\(\s*['"]electron['"]\s*\)/.test(fs.readFileSync(f, 'utf8')));
    expect(offenders.map((f) => path.relative(root, f))).toEqual([]);
  });
});

describe('sender check and window', () => {
  it('trusts only the top frame of the app page in the app window', () => {
    expect(isAppUrl('spikeflow://app/index.html')).toBe(true);
    expect(isAppUrl('spikeflow://app/')).toBe(true);
    for (const url of ['spikeflow://other/index.html', 'https://app/', 'file:///app/index.html', 'spikeflow://user@app/', '', 'not a url', null]) {
      expect(isAppUrl(url), String(url)).toBe(false);
    }
    expect(isTrustedSender({ url: 'spikeflow://app/index.html', parent: null }, true)).toBe(true);
    expect(isTrustedSender({ url: 'spikeflow://app/index.html', parent: null }, false)).toBe(false);
    expect(isTrustedSender({ url: 'spikeflow://app/index.html', parent: { url: 'spikeflow://app/' } }, true)).toBe(false);
    expect(isTrustedSender(null, true)).toBe(false);
  });

  it('isolates and sandboxes the renderer, without Node', () => {
    expect(appWebPreferences('/x/preload.cjs')).toMatchObject({
      preload: '/x/preload.cjs', contextIsolation: true, sandbox: true, nodeIntegration: false,
      nodeIntegrationInWorker: false, nodeIntegrationInSubFrames: false, webSecurity: true, webviewTag: false,
    });
  });
});

describe('menus', () => {
  const make = (isMac: boolean, isPackaged: boolean, sent: MenuCommand[] = []) =>
    buildMenuTemplate({
      examples: [{ file: 'a.json', name: 'A', description: '' }],
      recent: [{ id: 4, name: 'Recent one', createdAt: '', updatedAt: '', versions: 1, latestVersionId: 1, runs: 0 }],
      isMac, isPackaged, appName: 'Spikeflow', send: (c) => sent.push(c), about: () => {},
    });

  it('puts the app menu first on macOS and Quit in File elsewhere', () => {
    expect(make(true, true)[0]!.label).toBe('Spikeflow');
    const file = make(false, true)[0]!.submenu as Array<{ role?: string }>;
    expect(file.at(-1)!.role).toBe('quit');
  });

  it('hides developer tools in packaged builds', () => {
    const roles = (t: ReturnType<typeof make>) => JSON.stringify(t.map((m) => m.submenu));
    expect(roles(make(false, true))).not.toContain('toggleDevTools');
    expect(roles(make(false, false))).toContain('toggleDevTools');
  });

  it('opens recent projects by id', () => {
    const sent: MenuCommand[] = [];
    const file = make(false, true, sent)[0]!.submenu as Array<{ label?: string; submenu?: Array<{ click?: () => void }> }>;
    file.find((i) => i.label === 'Open Recent')!.submenu![0]!.click!();
    expect(sent).toEqual([{ command: 'open-project', projectId: 4 }]);
  });
});

describe('npm start', () => {
  it('finds no binary where none was downloaded, without downloading', () => {
    const r = findElectronBinary({}, root);
    if ('path' in r) expect(fs.existsSync(r.path)).toBe(true);
    else expect(r.missing).toMatch(/Electron binary|electron package/);
  });

  it('uses ELECTRON_OVERRIDE_DIST_PATH when it holds a binary', () => {
    const dist = fs.mkdtempSync(path.join(os.tmpdir(), 'spikeflow-electron-'));
    try {
      const name = process.platform === 'win32' ? 'electron.exe' : 'electron';
      expect(findElectronBinary({ ELECTRON_OVERRIDE_DIST_PATH: dist }, root)).toMatchObject({ missing: expect.stringContaining('ELECTRON_OVERRIDE_DIST_PATH') });
      fs.writeFileSync(path.join(dist, name), '');
      const hasPathFile = fs.existsSync(path.join(root, 'node_modules', 'electron', 'path.txt'));
      if (!hasPathFile) expect(findElectronBinary({ ELECTRON_OVERRIDE_DIST_PATH: dist }, root)).toEqual({ path: path.join(dist, name) });
    } finally {
      fs.rmSync(dist, { recursive: true, force: true });
    }
  });
});

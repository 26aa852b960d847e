/**
 * The Electron shell (src-main/app/main.ts) against a stand-in `electron` module, since the
 * binary cannot run here: the window is isolated, sandboxed and Node-free; the renderer is
 * served from the app's scheme with a strict CSP; IPC requests are refused unless they come
 * from the app's own page in its window, and validated before the real service (real lab
 * file, real CPU engine) acts; run events reach the window; navigation away is blocked;
 * menus list the examples and send commands to the renderer.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { documentationLinks } from '../../src-main/app/external-links.js';

interface FakeContents {
  sent: Array<[string, { event: string; payload: unknown }]>;
  handlers: Record<string, (...args: unknown[]) => void>;
  openHandler?: (d: { url: string }) => { action: string };
  send(channel: string, message: { event: string; payload: unknown }): void;
}
interface FakeWindow {
  options: { webPreferences: Record<string, unknown> };
  url?: string;
  webContents: FakeContents;
}

const state = vi.hoisted(() => ({
  userData: '',
  ready: null as null | (() => void),
  schemes: [] as Array<{ scheme: string; privileges: Record<string, boolean> }>,
  protocolHandler: null as null | ((r: Request) => Promise<Response>),
  ipc: new Map<string, (event: unknown, frame: unknown) => Promise<unknown>>(),
  windows: [] as FakeWindow[],
  menu: [] as Array<Record<string, unknown>>,
  appHandlers: {} as Record<string, (...args: unknown[]) => void>,
  sandboxed: false,
  openedExternally: [] as string[],
  /** Questions the shell asked with showMessageBox (their detail), and the buttons to answer. */
  asked: [] as string[],
  answers: [] as number[],
  quit: 0,
}));

vi.mock('electron', () => {
  class BrowserWindow {
    options: unknown;
    url?: string;
    webContents: FakeContents;
    constructor(options: unknown) {
      this.options = options;
      this.webContents = {
        sent: [],
        handlers: {},
        send(channel, message) {
          this.sent.push([channel, message]);
        },
        setWindowOpenHandler(h: FakeContents['openHandler']) {
          this.openHandler = h;
        },
        on(event: string, h: (...args: unknown[]) => void) {
          this.handlers[event] = h;
        },
        isDestroyed: () => false,
      } as FakeContents;
      state.windows.push(this as unknown as FakeWindow);
    }
    once() {}
    on() {}
    isDestroyed() {
      return false;
    }
    loadURL(url: string) {
      this.url = url;
      return Promise.resolve();
    }
    static getAllWindows() {
      return state.windows;
    }
  }
  return {
    app: {
      getPath: (name: string) => path.join(state.userData, name),
      enableSandbox: () => {
        state.sandboxed = true;
      },
      requestSingleInstanceLock: () => true,
      on: (event: string, h: (...args: unknown[]) => void) => {
        state.appHandlers[event] = h;
      },
      whenReady: () => new Promise<void>((resolve) => (state.ready = resolve)),
      isPackaged: false,
      getName: () => 'Spikeflow',
      getVersion: () => '0.1.0',
      quit: () => {
        state.quit++;
      },
      exit: () => {},
    },
    BrowserWindow,
    dialog: { showErrorBox: () => {}, showMessageBox: async (_w: unknown, o: { detail?: string }) => {
        state.asked.push(o.detail ?? '');
        return { response: state.answers.shift() ?? 0 };
      }, showSaveDialog: async () => ({ canceled: true }), showOpenDialog: async () => ({ canceled: true, filePaths: [] }) },
    ipcMain: { handle: (channel: string, h: (event: unknown, frame: unknown) => Promise<unknown>) => state.ipc.set(channel, h) },
    Menu: { buildFromTemplate: (t: Array<Record<string, unknown>>) => (state.menu = t), setApplicationMenu: () => {} },
    protocol: {
      registerSchemesAsPrivileged: (s: typeof state.schemes) => (state.schemes = s),
      handle: (_scheme: string, h: (r: Request) => Promise<Response>) => (state.protocolHandler = h),
    },
    session: { defaultSession: { setPermissionRequestHandler: () => {}, setPermissionCheckHandler: () => {}, webRequest: { onHeadersReceived: () => {} } } },
    shell: { openExternal: async (url: string) => state.openedExternally.push(url) },
  };
});

let win: FakeWindow;
const appFrame = { url: 'spikeflow://app/index.html', parent: null };
const call = (frame: unknown, event: object = { sender: win.webContents, senderFrame: appFrame }) => state.ipc.get('spikeflow:api')!(event, frame);

beforeAll(async () => {
  state.userData = fs.mkdtempSync(path.join(os.tmpdir(), 'spikeflow-shell-'));
  await import('../../src-main/app/main.js');
  state.ready!();
  for (let i = 0; i < 200 && state.windows.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
  win = state.windows[0]!;
});

afterAll(async () => {
  // before-quit disposes the service (runs stopped, lab closed), then quits.
  state.appHandlers['before-quit']?.({ preventDefault: () => {} });
  for (let i = 0; i < 200 && state.quit === 0; i++) await new Promise((r) => setTimeout(r, 10));
  fs.rmSync(state.userData, { recursive: true, force: true });
});

describe('Electron shell', () => {
  it('opens one isolated, sandboxed window without Node on the app scheme', () => {
    expect(state.windows).toHaveLength(1);
    expect(state.sandboxed).toBe(true);
    expect(win.options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webviewTag: false });
    expect(String(win.options.webPreferences.preload)).toMatch(/dist[\\/]app[\\/]preload\.cjs$/);
    expect(win.url).toBe('spikeflow://app/index.html');
    expect(state.schemes).toEqual([{ scheme: 'spikeflow', privileges: expect.objectContaining({ standard: true, secure: true }) }]);
    expect(fs.existsSync(path.join(state.userData, 'userData', 'lab.sqlite'))).toBe(true);
  });

  it('serves the renderer with a strict CSP and nothing outside the app host', async () => {
    const page = await state.protocolHandler!(new Request('spikeflow://app/'));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toMatch(/default-src 'self'; script-src 'self';.*object-src 'none'/);
    expect((await state.protocolHandler!(new Request('spikeflow://elsewhere/index.html'))).status).toBe(404);
    expect((await state.protocolHandler!(new Request('spikeflow://app/../../package.json'))).status).not.toBe(200);
  });

  it('answers API requests from the app page, validated', async () => {
    const r = (await call({ id: 1, method: 'listExamples', params: [] })) as { id: number; result: Array<{ file: string }> };
    expect(r.id).toBe(1);
    expect(r.result.map((e) => e.file)).toContain('ampa-lif.json');
    const engines = (await call({ id: 9, method: 'engineStatus', params: [] })) as { result: { cpu: { device: string }; auto: { engine: string } } };
    expect(engines.result).toMatchObject({ cpu: { device: expect.stringMatching(/^\d+ × /) }, auto: { engine: expect.stringMatching(/^(cpu|webgpu)$/) } });
    const bad = (await call({ id: 2, method: 'getRun', params: ['x'] })) as { error: { message: string } };
    expect(bad.error.message).toMatch(/^getRun: parameter "runId": /);
  });

  it('refuses requests from other pages, frames or windows', async () => {
    const frame = { id: 3, method: 'listProjects', params: [] };
    const refused = /refused: the request did not come from the Spikeflow window/;
    const cases = [
      { sender: win.webContents, senderFrame: { url: 'https://evil.example/', parent: null } },
      { sender: win.webContents, senderFrame: { url: 'file:///tmp/x.html', parent: null } },
      { sender: win.webContents, senderFrame: { url: 'spikeflow://app/index.html', parent: {} } },
      { sender: win.webContents, senderFrame: null },
      { sender: {}, senderFrame: appFrame },
    ];
    for (const event of cases) expect(((await call(frame, event)) as { error: { message: string } }).error.message).toMatch(refused);
  });

  it('runs a model and forwards its events to the window', async () => {
    const examples = (await call({ id: 4, method: 'loadExample', params: ['ampa-lif.json'] })) as { result: unknown };
    const created = (await call({ id: 5, method: 'createProject', params: ['Shell', examples.result] })) as { result: { project: { id: number } } };
    const started = (await call({ id: 6, method: 'startRun', params: [{ projectId: created.result.project.id, document: examples.result, engine: 'cpu' }] })) as { result: { id: number } };
    const ended = () => win.webContents.sent.find(([, m]) => m.event === 'run-ended' && (m.payload as { id: number }).id === started.result.id);
    for (let i = 0; i < 3000 && !ended(); i++) await new Promise((r) => setTimeout(r, 10));
    expect(ended()![0]).toBe('spikeflow:event');
    expect((ended()![1].payload as { status: string }).status).toBe('finished');
    expect(win.webContents.sent.some(([, m]) => m.event === 'run-progress')).toBe(true);
  });

  it('keeps the window on the app: navigation elsewhere is blocked, documentation links open, other web links only after asking', async () => {
    let prevented = 0;
    const e = { preventDefault: () => prevented++ };
    win.webContents.handlers['will-navigate']!(e, 'https://evil.example/');
    win.webContents.handlers['will-navigate']!(e, 'spikeflow://app/index.html#x');
    expect(prevented).toBe(1);
    const docLink = [...documentationLinks()][0]!;
    const settle = () => new Promise((r) => setTimeout(r, 0));
    state.openedExternally.length = 0;
    expect(win.webContents.openHandler!({ url: docLink })).toEqual({ action: 'deny' });
    expect(win.webContents.openHandler!({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    await settle();
    expect(state.openedExternally).toEqual([docLink]);
    expect(state.asked).toEqual([]);
    state.answers.push(0, 1); // Cancel, then "Open in browser"
    win.webContents.openHandler!({ url: 'https://example.org/docs' });
    await settle();
    win.webContents.openHandler!({ url: 'https://example.org/docs' });
    await settle();
    await settle();
    expect(state.asked).toEqual(['https://example.org/docs', 'https://example.org/docs']);
    expect(state.openedExternally).toEqual([docLink, 'https://example.org/docs']);
  });

  it('builds native menus whose items send commands to the renderer', () => {
    const labels = state.menu.map((m) => m.label ?? m.role);
    expect(labels).toEqual(expect.arrayContaining(['&File', '&Edit', '&View', '&Help']));
    const file = state.menu.find((m) => m.label === '&File')!.submenu as Array<Record<string, unknown>>;
    for (const l of ['New Project', 'Open Project…', 'Save', 'Save As…', 'Rename…', 'Revert to Version…', 'Examples', 'Import Project…', 'Export Project…', 'Export Run as CSV…']) {
      expect(file.map((i) => i.label), l).toContain(l);
    }
    const examples = file.find((i) => i.label === 'Examples')!.submenu as Array<{ label: string; click: () => void }>;
    expect(examples.map((e) => e.label)).toContain('AMPA → LIF');
    examples.find((e) => e.label === 'AMPA → LIF')!.click();
    expect(win.webContents.sent.at(-1)).toEqual(['spikeflow:event', { event: 'menu-command', payload: { command: 'open-example', file: 'ampa-lif.json' } }]);
    (file.find((i) => i.label === 'Save') as { click: () => void }).click();
    expect(win.webContents.sent.at(-1)![1]).toEqual({ event: 'menu-command', payload: { command: 'save' } });
  });
});

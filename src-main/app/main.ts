/**
 * The Electron shell: one window, native menus and dialogs, and the typed API served over
 * IPC. It stays thin: the service (src-main/api/service.ts) does the work, dispatch.ts
 * validates every payload against the API's zod schemas, and this file checks that each
 * message comes from the app's own page before handing it over.
 *
 * Security (Electron's checklist): the renderer is sandboxed, context-isolated and has no
 * Node; it is served from the privileged custom scheme spikeflow://app (never file://)
 * with a strict Content-Security-Policy; navigation away from the app and new windows
 * are refused (web links open in the system browser); permission requests are denied.
 *
 * Built by scripts/build-app.ts into dist/app/main.js (ESM) with the CPU worker beside it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, dialog, ipcMain, Menu, protocol, session, shell, type IpcMainInvokeEvent } from 'electron';
import type { ApiEvents } from '../../src-shared/api.js';
import { contentSecurityPolicy } from '../api/content-security.js';
import { dispatch } from '../api/dispatch.js';
import { createSpikeflowService, type SpikeflowService } from '../api/service.js';
import { keepCpuWorkerWarm } from '../engines/cpu/cpu-engine.js';
import { DAMAGED } from '../store/database.js';
import { labPathInUserData } from '../store/default-location.js';
import { LabError } from '../store/errors.js';
import { mimeTypeOf, missingRendererPage, resolveStaticFile } from '../web-host/static-files.js';
import { externalLinkAction } from './external-links.js';
import { newLabBeside, recoveryChoice, recoveryDetail, RECOVERY_BUTTONS } from './lab-recovery.js';
import { buildMenuTemplate, type MenuCommand } from './menu.js';
import { API_CHANNEL, APP_ENTRY_URL, APP_HOST, APP_SCHEME, appWebPreferences, EVENT_CHANNEL, isAppUrl, isTrustedSender } from './security.js';

/** dist/app/main.js → the package root (inside app.asar when packaged). */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const RENDERER_DIR = path.join(ROOT, 'dist', 'renderer');
const EXAMPLES_DIR = path.join(ROOT, 'assets', 'examples');
const PRELOAD = path.join(ROOT, 'dist', 'app', 'preload.cjs');
const CSP = contentSecurityPolicy();

/** API methods after which the menu's Open Recent list may have changed. */
const RECENT_CHANGING = new Set(['createProject', 'openProject', 'importProject', 'renameProject', 'deleteProject', 'duplicateProject', 'saveProject']);

// Must happen before 'ready': the scheme behaves like https (secure context, fetch, CSP).
protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } },
]);
app.enableSandbox();

let window: BrowserWindow | null = null;
let service: SpikeflowService | null = null;
let desktop: SpikeflowService | null = null;

function sendToRenderer(message: { event: string; payload: unknown }): void {
  if (window && !window.isDestroyed() && !window.webContents.isDestroyed()) window.webContents.send(EVENT_CHANNEL, message);
}

const emit = <E extends keyof ApiEvents>(event: E, payload: ApiEvents[E]) => sendToRenderer({ event, payload });
const sendMenuCommand = (command: MenuCommand) => sendToRenderer({ event: 'menu-command', payload: command });

/** Serves dist/renderer under spikeflow://app/ with the CSP on every response. */
async function serveRenderer(request: Request): Promise<Response> {
  const headers = { 'Content-Security-Policy': CSP, 'X-Content-Type-Options': 'nosniff' };
  const url = new URL(request.url);
  if (url.host !== APP_HOST || request.method !== 'GET') return new Response('not found', { status: 404, headers });
  let file = resolveStaticFile(RENDERER_DIR, url.pathname);
  if (!file && path.extname(url.pathname) === '') {
    const index = path.join(RENDERER_DIR, 'index.html');
    if (fs.existsSync(index)) file = index;
    else return new Response(missingRendererPage(RENDERER_DIR), { headers: { ...headers, 'Content-Type': 'text/html; charset=utf-8' } });
  }
  if (!file) return new Response('not found', { status: 404, headers });
  const body = await fs.promises.readFile(file);
  return new Response(body, { headers: { ...headers, 'Content-Type': mimeTypeOf(file) } });
}

/** The service as the desktop exposes it: CSV export goes through a native save dialog. */
function desktopService(base: SpikeflowService): SpikeflowService {
  const wrapped = Object.create(base) as SpikeflowService;
  wrapped.exportRunCsv = async (runId, probe, long, skipDamaged, atMs) => {
    base.lab.runs.get(runId);
    const parent = window ?? undefined;
    if (probe !== undefined) {
      base.lab.runs.probe(runId, probe);
      const options = {
        title: 'Export run as CSV',
        defaultPath: path.join(app.getPath('documents'), base.csvFileName(runId, probe)),
        filters: [{ name: 'CSV files', extensions: ['csv'] }],
      };
      const r = parent ? await dialog.showSaveDialog(parent, options) : await dialog.showSaveDialog(options);
      if (r.canceled || !r.filePath) return {};
      return base.exportRunCsvTo(runId, probe, long ?? false, r.filePath, skipDamaged ?? false, atMs);
    }
    const options = {
      title: `Export every probe of run ${runId} as CSV into a folder`,
      defaultPath: app.getPath('documents'),
      properties: ['openDirectory', 'createDirectory'] as Array<'openDirectory' | 'createDirectory'>,
    };
    const r = parent ? await dialog.showOpenDialog(parent, options) : await dialog.showOpenDialog(options);
    if (r.canceled || !r.filePaths[0]) return {};
    return base.exportRunCsvTo(runId, undefined, long ?? false, path.join(r.filePaths[0], `run-${runId}`), skipDamaged ?? false, atMs);
  };
  return wrapped;
}

async function refreshMenu(): Promise<void> {
  if (!service) return;
  const [examples, recent] = await Promise.all([service.listExamples(), service.recentProjects()]).catch(() => [[], []] as const);
  const template = buildMenuTemplate({
    examples,
    recent,
    isMac: process.platform === 'darwin',
    isPackaged: app.isPackaged,
    appName: app.getName(),
    send: sendMenuCommand,
    about: () => {
      void dialog.showMessageBox({
        type: 'info',
        title: `About ${app.getName()}`,
        message: `${app.getName()} ${app.getVersion()}`,
        detail: `A desktop studio for spiking neural networks.\nElectron ${process.versions.electron}, Node ${process.versions.node}, Chromium ${process.versions.chrome}.\nLab: ${service?.lab.file ?? ''}`,
      });
    },
  });
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}

async function handleApi(event: IpcMainInvokeEvent, frame: unknown): Promise<unknown> {
  const fromAppWindow = window !== null && !window.isDestroyed() && event.sender === window.webContents;
  if (!isTrustedSender(event.senderFrame, fromAppWindow)) {
    return { id: 0, error: { message: 'refused: the request did not come from the Spikeflow window' } };
  }
  if (!desktop) return { id: 0, error: { message: 'Spikeflow is not ready yet' } };
  const response = await dispatch(desktop, frame);
  const method = (frame as { method?: unknown } | null)?.method;
  if (typeof method === 'string' && RECENT_CHANGING.has(method) && !('error' in response)) void refreshMenu();
  return response;
}

/** Asks before opening a web link that is not one of the app's own documentation links. */
async function askToOpen(parent: BrowserWindow, url: string): Promise<void> {
  const { response } = await dialog.showMessageBox(parent, {
    type: 'question',
    buttons: ['Cancel', 'Open in browser'],
    defaultId: 0,
    cancelId: 0,
    message: 'Open this link in your web browser?',
    detail: url,
  });
  if (response === 1) await shell.openExternal(url);
}

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1440,
    height: 900,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'Spikeflow',
    backgroundColor: '#1e1e1e',
    webPreferences: appWebPreferences(PRELOAD),
  });
  win.once('ready-to-show', () => win.show());
  const contents = win.webContents;
  // The app's documentation links open in the browser; other web links only after asking
  // (externalLinkAction); nothing opens a window.
  contents.setWindowOpenHandler(({ url }) => {
    const action = externalLinkAction(url);
    if (action === 'open') void shell.openExternal(url);
    else if (action === 'ask') void askToOpen(win, url);
    return { action: 'deny' };
  });
  contents.on('will-navigate', (e, url) => {
    if (!isAppUrl(url)) e.preventDefault();
  });
  contents.on('will-redirect', (e, url) => {
    if (!isAppUrl(url)) e.preventDefault();
  });
  contents.on('will-attach-webview', (e) => e.preventDefault());
  win.on('closed', () => {
    if (window === win) window = null;
  });
  void win.loadURL(APP_ENTRY_URL);
  return win;
}

/** Asks what to do about the damaged lab at `file`: another lab's path, or null to quit. */
function chooseOtherLab(file: string, message: string): string | null {
  const button = dialog.showMessageBoxSync({
    type: 'error',
    buttons: [...RECOVERY_BUTTONS],
    defaultId: 1,
    cancelId: 0,
    message: 'Spikeflow cannot open its lab: the file is damaged',
    detail: recoveryDetail(file, message),
  });
  const choice = recoveryChoice(button);
  if (choice === 'new') return newLabBeside(file);
  if (choice === 'open') {
    const picked = dialog.showOpenDialogSync({ title: 'Open a lab file', properties: ['openFile'], filters: [{ name: 'Spikeflow lab', extensions: ['sqlite'] }] });
    return picked?.[0] ?? null;
  }
  return null;
}

async function start(): Promise<void> {
  const userData = app.getPath('userData');
  fs.mkdirSync(userData, { recursive: true });
  let dbPath = labPathInUserData(userData);
  for (;;) {
    try {
      service = createSpikeflowService({ dbPath, examplesDir: EXAMPLES_DIR, exportDir: app.getPath('downloads'), emit });
      break;
    } catch (err) {
      // A damaged or emptied lab is kept as it is; the user picks another file or a new lab.
      const next = err instanceof LabError && err.code === DAMAGED ? chooseOtherLab(dbPath, err.message) : null;
      if (next === null) {
        if (!(err instanceof LabError && err.code === DAMAGED)) dialog.showErrorBox('Spikeflow cannot open its lab', (err as Error).message);
        app.exit(1);
        return;
      }
      dbPath = next;
    }
  }
  desktop = desktopService(service);
  // Runs follow one another in the app (live mode: one per edit): each finds its CPU worker booted.
  keepCpuWorkerWarm();

  protocol.handle(APP_SCHEME, serveRenderer);
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
  // Belt and braces: the CSP also on anything else the session loads.
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CSP] } });
  });
  ipcMain.handle(API_CHANNEL, handleApi);

  await refreshMenu();
  window = createWindow();
}

if (!app.requestSingleInstanceLock()) {
  // Another Spikeflow has the lab open: it gets the focus instead.
  app.quit();
} else {
  app.on('second-instance', () => {
    if (window) {
      if (window.isMinimized()) window.restore();
      window.focus();
    }
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (service && BrowserWindow.getAllWindows().length === 0) window = createWindow();
  });
  // Runs in progress are stopped and marked cancelled before the lab closes.
  let disposed = false;
  app.on('before-quit', (e) => {
    if (disposed || !service) return;
    e.preventDefault();
    disposed = true;
    service.dispose().finally(() => app.quit());
  });
  app.whenReady().then(start, (err: Error) => {
    dialog.showErrorBox('Spikeflow could not start', err.message);
    app.exit(1);
  });
}

/**
 * The native menus of the desktop app. Built as a plain template from what main knows (the
 * bundled examples, the recent projects) so it can be tested without Electron; every item
 * that acts on the open project sends a command to the renderer, which owns the editor
 * state, and the renderer answers through the typed API like any other action.
 *
 * The commands arrive in the renderer as the event 'menu-command' of `window.spikeflow.on`.
 */
import type { MenuItemConstructorOptions } from 'electron';
import type { ExampleInfo, MenuCommand, ProjectSummary } from '../../src-shared/api.js';

export type { MenuCommand } from '../../src-shared/api.js';

export interface MenuContext {
  examples: readonly ExampleInfo[];
  recent: readonly ProjectSummary[];
  /** macOS: the app menu comes first and Quit lives there. */
  isMac: boolean;
  /** Packaged builds hide the developer tools. */
  isPackaged: boolean;
  appName: string;
  send(command: MenuCommand): void;
  about(): void;
}

/** The application menu template: File, Edit, View, Run, Help (plus the app menu on macOS). */
export function buildMenuTemplate(ctx: MenuContext): MenuItemConstructorOptions[] {
  const send = (command: MenuCommand) => () => ctx.send(command);
  const examples: MenuItemConstructorOptions[] = ctx.examples.length > 0
    ? ctx.examples.map((e) => ({ label: e.name, toolTip: e.description, click: send({ command: 'open-example', file: e.file }) }))
    : [{ label: '(no examples found)', enabled: false }];
  const recent: MenuItemConstructorOptions[] = ctx.recent.length > 0
    ? ctx.recent.map((p) => ({ label: p.name, click: send({ command: 'open-project', projectId: p.id }) }))
    : [{ label: '(none yet)', enabled: false }];

  const file: MenuItemConstructorOptions = {
    label: '&File',
    submenu: [
      { label: 'New Project', accelerator: 'CmdOrCtrl+N', click: send({ command: 'new' }) },
      { label: 'Open Project…', accelerator: 'CmdOrCtrl+O', click: send({ command: 'open' }) },
      { label: 'Open Recent', submenu: recent },
      { label: 'Examples', submenu: examples },
      { type: 'separator' },
      { label: 'Save', accelerator: 'CmdOrCtrl+S', click: send({ command: 'save' }) },
      { label: 'Save As…', accelerator: 'CmdOrCtrl+Shift+S', click: send({ command: 'save-as' }) },
      { label: 'Rename…', click: send({ command: 'rename' }) },
      { label: 'Revert to Version…', click: send({ command: 'revert' }) },
      { type: 'separator' },
      { label: 'Import Project…', click: send({ command: 'import-project' }) },
      { label: 'Export Project…', click: send({ command: 'export-project' }) },
      { label: 'Export Run as CSV…', accelerator: 'CmdOrCtrl+E', click: send({ command: 'export-run-csv' }) },
      { type: 'separator' },
      { label: 'Export Model for Brian2 or PyNN…', click: send({ command: 'export-model' }) },
      { label: 'Import Run from Brian2 or PyNN…', click: send({ command: 'import-run' }) },
      ...(ctx.isMac ? [] : [{ type: 'separator' } as const, { role: 'quit' } as const]),
    ],
  };

  // Undo/redo act on the graph editor's history, so they are commands, not the text roles;
  // the shortcut keys are shown but left to the page (registerAccelerator: false), which
  // handles them itself (in a text field the field's own undo applies).
  const edit: MenuItemConstructorOptions = {
    label: '&Edit',
    submenu: [
      { label: 'Undo', accelerator: 'CmdOrCtrl+Z', registerAccelerator: false, click: send({ command: 'undo' }) },
      { label: 'Redo', accelerator: ctx.isMac ? 'Cmd+Shift+Z' : 'Ctrl+Y', registerAccelerator: false, click: send({ command: 'redo' }) },
      { type: 'separator' },
      { role: 'cut' },
      { role: 'copy' },
      { role: 'paste' },
      { label: 'Delete', accelerator: 'Delete', registerAccelerator: false, click: send({ command: 'delete' }) },
      { role: 'selectAll' },
      { type: 'separator' },
      { label: 'New Block Type…', click: send({ command: 'new-block-type' }) },
    ],
  };

  const view: MenuItemConstructorOptions = {
    label: '&View',
    submenu: [
      { label: 'Zoom to Fit', accelerator: 'CmdOrCtrl+0', registerAccelerator: false, click: send({ command: 'zoom-to-fit' }) },
      { label: 'Arrange Blocks', click: send({ command: 'auto-arrange' }) },
      { label: 'Show Minimap', click: send({ command: 'toggle-minimap' }) },
      { type: 'separator' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { role: 'resetZoom', accelerator: 'CmdOrCtrl+Shift+0' },
      { type: 'separator' },
      { role: 'togglefullscreen' },
      ...(ctx.isPackaged ? [] : [{ type: 'separator' } as const, { role: 'reload', accelerator: 'CmdOrCtrl+Shift+R' } as const, { role: 'toggleDevTools' } as const]),
    ],
  };

  const run: MenuItemConstructorOptions = {
    label: '&Run',
    submenu: [
      { label: 'Run', accelerator: 'CmdOrCtrl+R', click: send({ command: 'run' }) },
      { label: 'Stop', accelerator: 'CmdOrCtrl+.', click: send({ command: 'stop' }) },
    ],
  };

  const help: MenuItemConstructorOptions = {
    role: 'help',
    label: '&Help',
    submenu: [
      { label: 'User Guide', accelerator: 'F1', click: send({ command: 'user-guide' }) },
      ...(ctx.isMac ? [] : [{ type: 'separator' } as const, { label: `About ${ctx.appName}`, click: () => ctx.about() }]),
    ],
  };

  const template: MenuItemConstructorOptions[] = [file, edit, view, run, help];
  if (ctx.isMac) {
    template.unshift({
      label: ctx.appName,
      submenu: [
        { role: 'about' },
        { type: 'separator' },
        { role: 'services' },
        { type: 'separator' },
        { role: 'hide' },
        { role: 'hideOthers' },
        { role: 'unhide' },
        { type: 'separator' },
        { role: 'quit' },
      ],
    });
  }
  return template;
}

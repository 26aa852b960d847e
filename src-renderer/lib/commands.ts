/**
 * The studio's commands, one table for the menus and the keyboard: each has a label, an
 * optional shortcut and an action. Editing shortcuts (copy, delete, undo…) are ignored
 * while a text field has the focus, so that they edit the text instead.
 */
import type { MenuCommand } from '../../src-shared/api.js';
import { pickFile } from './downloads.js';
import { modelExportDialog } from './model-export.svelte.js';
import type { Studio } from './studio.svelte.js';

export interface Command {
  id: string;
  label: string;
  /** Shown in menus ("Ctrl+S"); matched by `matches`. */
  shortcut?: string;
  /** Whether the command works while typing in a field. */
  inFields?: boolean;
  enabled?: () => boolean;
  run: () => void | Promise<void>;
}

const isMac = typeof navigator !== 'undefined' && /Mac/.test(navigator.platform);

/** The shortcut as shown to the user (⌘ on macOS). */
export function shortcutLabel(shortcut: string): string {
  return isMac ? shortcut.replace(/Ctrl\+/g, '⌘').replace(/Shift\+/g, '⇧').replace(/Alt\+/g, '⌥') : shortcut;
}

/** Whether a key event matches "Ctrl+Shift+Z", "Delete", "F"… */
function matches(shortcut: string, ev: KeyboardEvent): boolean {
  const parts = shortcut.split('+');
  const key = parts.pop()!;
  const ctrl = parts.includes('Ctrl');
  const shift = parts.includes('Shift');
  const alt = parts.includes('Alt');
  if ((ev.ctrlKey || ev.metaKey) !== ctrl || ev.altKey !== alt) return false;
  const evKey = ev.key.length === 1 ? ev.key.toUpperCase() : ev.key;
  // Shifted characters ("?", "+") carry shift implicitly.
  if (key.length === 1 && !/[A-Z0-9]/.test(key)) return evKey === key;
  if (ev.shiftKey !== shift) return false;
  return evKey === key || (key === 'Enter' && ev.key === 'Enter');
}

export function createCommands(studio: Studio): Command[] {
  const g = () => studio.graph;
  const hasSelection = () => studio.selection.length > 0;
  return [
    { id: 'new', label: 'New project', shortcut: 'Ctrl+Alt+N', inFields: true, run: () => studio.guardUnsaved(() => studio.newProject()) },
    { id: 'open', label: 'Open…', shortcut: 'Ctrl+O', inFields: true, run: () => void (studio.dialog = { kind: 'open' }) },
    { id: 'save', label: 'Save', shortcut: 'Ctrl+S', inFields: true, run: () => void studio.save() },
    { id: 'save-as', label: 'Save as…', shortcut: 'Ctrl+Shift+S', inFields: true, run: () => void (studio.dialog = { kind: 'save-as' }) },
    { id: 'rename', label: 'Rename…', run: () => void (studio.dialog = { kind: 'rename' }) },
    { id: 'versions', label: 'Versions / revert…', enabled: () => studio.project !== null, run: () => studio.showVersions() },
    {
      id: 'import', label: 'Import project file…', run: async () => {
        const file = await pickFile('.json,application/json');
        if (file) studio.guardUnsaved(() => studio.importFile(file));
      },
    },
    { id: 'export', label: 'Export project file', run: () => studio.exportFile() },
    { id: 'export-model', label: 'Export model (Brian2, PyNN)…', run: () => modelExportDialog.open('export') },
    { id: 'import-run', label: 'Import run (Brian2, PyNN)…', run: () => modelExportDialog.open('import') },
    { id: 'examples', label: 'Examples…', run: () => void (studio.dialog = { kind: 'examples' }) },

    { id: 'undo', label: 'Undo', shortcut: 'Ctrl+Z', run: () => g()?.undo() },
    { id: 'redo', label: 'Redo', shortcut: 'Ctrl+Shift+Z', run: () => g()?.redo() },
    { id: 'redo-y', label: 'Redo', shortcut: 'Ctrl+Y', run: () => g()?.redo() },
    { id: 'cut', label: 'Cut', shortcut: 'Ctrl+X', enabled: hasSelection, run: async () => void (await g()?.cutSelected()) },
    {
      id: 'copy', label: 'Copy', shortcut: 'Ctrl+C', enabled: hasSelection, run: () => {
        const n = g()?.copySelected() ?? 0;
        if (n > 0) studio.notify(`Copied ${n} block${n === 1 ? '' : 's'}`, 'info', 1500);
      },
    },
    { id: 'paste', label: 'Paste', shortcut: 'Ctrl+V', run: async () => void (await g()?.paste()) },
    { id: 'duplicate', label: 'Duplicate', shortcut: 'Ctrl+D', enabled: hasSelection, run: async () => void (await g()?.duplicateSelected()) },
    { id: 'delete', label: 'Delete', shortcut: 'Delete', run: async () => void (await g()?.deleteSelected()) },
    { id: 'delete-bs', label: 'Delete', shortcut: 'Backspace', run: async () => void (await g()?.deleteSelected()) },
    { id: 'select-all', label: 'Select all', shortcut: 'Ctrl+A', run: () => g()?.selectAll() },
    { id: 'select-none', label: 'Select none', shortcut: 'Escape', run: () => g()?.selectOnly([]) },
    { id: 'new-block-type', label: 'New block type…', run: () => studio.newBlockType() },
    {
      // On the selected block: edit its project type, or start one from a built-in's equations.
      id: 'edit-block-type', label: 'Edit block type / duplicate as equations…',
      enabled: () => studio.selection.length === 1,
      run: () => {
        const type = studio.selection[0]?.block.type;
        if (!type) return;
        if (Object.hasOwn(studio.types, type)) studio.editBlockType(type);
        else studio.duplicateAsEquations(type);
      },
    },

    { id: 'fit', label: 'Zoom to fit', shortcut: 'F', run: () => g()?.zoomToFit() },
    { id: 'zoom-in', label: 'Zoom in', shortcut: '+', run: () => g()?.zoomBy(1.2) },
    { id: 'zoom-out', label: 'Zoom out', shortcut: '-', run: () => g()?.zoomBy(1 / 1.2) },
    { id: 'arrange', label: 'Auto-arrange', shortcut: 'L', run: () => g()?.autoArrange() },
    { id: 'minimap', label: 'Show minimap', run: () => void (studio.showMinimap = !studio.showMinimap) },

    { id: 'run', label: 'Run', shortcut: 'Ctrl+Enter', inFields: true, enabled: () => !studio.activeRun, run: () => studio.run() },
    { id: 'stop', label: 'Stop', shortcut: 'Ctrl+.', inFields: true, enabled: () => studio.activeRun !== null, run: () => studio.stopRun() },
    { id: 'live', label: 'Live mode', run: () => studio.setLive(!studio.live) },

    { id: 'guide', label: 'Getting started', run: () => void (studio.dialog = { kind: 'guide' }) },
    { id: 'shortcuts', label: 'Keyboard shortcuts', shortcut: '?', run: () => void (studio.dialog = { kind: 'shortcuts' }) },
  ];
}

/** Whether the event's target is a text field (typing there must not trigger editing commands). */
function inTextField(ev: KeyboardEvent): boolean {
  const el = ev.target as HTMLElement | null;
  if (!el) return false;
  return el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName);
}

/** Runs the command matching a key event; returns whether one ran. */
export function handleShortcut(commands: Command[], ev: KeyboardEvent): boolean {
  if (ev.defaultPrevented) return false;
  // Holding Delete must not delete block after block.
  if (ev.repeat && (ev.key === 'Delete' || ev.key === 'Backspace')) return false;
  const typing = inTextField(ev);
  for (const c of commands) {
    if (!c.shortcut || !matches(c.shortcut, ev)) continue;
    if (typing && !c.inFields) return false;
    if (c.enabled && !c.enabled()) return false;
    ev.preventDefault();
    void c.run();
    return true;
  }
  return false;
}

/**
 * Carries out a command of the desktop app's native menu (the 'menu-command' event of the
 * Electron shell): the same actions as the in-page menus and keys.
 */
export function runMenuCommand(studio: Studio, commands: Command[], m: MenuCommand): void {
  const byId = (id: string) => commands.find((c) => c.id === id);
  const run = (id: string) => {
    const c = byId(id);
    if (c && (!c.enabled || c.enabled())) void c.run();
  };
  switch (m.command) {
    case 'open-project':
      studio.guardUnsaved(() => studio.openProject(m.projectId));
      return;
    case 'open-example':
      studio.guardUnsaved(() => studio.openExample(m.file));
      return;
    case 'revert':
      run('versions');
      return;
    case 'import-project':
      run('import');
      return;
    case 'export-project':
      run('export');
      return;
    case 'export-run-csv':
      if (studio.shownRun) void studio.exportCsv(studio.shownRun);
      else studio.notify('Show a run first (Runs, on the right)', 'info');
      return;
    case 'zoom-to-fit':
      run('fit');
      return;
    case 'auto-arrange':
      run('arrange');
      return;
    case 'toggle-minimap':
      run('minimap');
      return;
    case 'user-guide':
      run('guide');
      return;
    default:
      run(m.command);
  }
}

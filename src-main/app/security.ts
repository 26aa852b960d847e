/**
 * The Electron shell's security settings in one place, free of Electron imports so tests
 * can check them without the Electron binary: the app's own origin (a privileged custom
 * scheme, never file://), the window's web preferences, and the check every IPC message's
 * sender must pass.
 */
import type { WebPreferences } from 'electron';

/** The renderer is served from spikeflow://app/ (see main.ts's protocol handler). */
export const APP_SCHEME = 'spikeflow';
export const APP_HOST = 'app';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
/** The page the window loads. */
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/** IPC channels: requests (invoke), events and menu commands (main → renderer). */
export const API_CHANNEL = 'spikeflow:api';
export const EVENT_CHANNEL = 'spikeflow:event';

/** Whether `url` is a page of the app itself (and not, say, a page it navigated to). */
export function isAppUrl(url: string | undefined | null): boolean {
  if (!url) return false;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST && parsed.username === '' && parsed.password === '';
}

/** A frame as Electron describes it (the parts the check needs). */
export interface SenderFrameLike {
  url: string;
  /** The top frame has no parent. */
  parent: unknown;
}

/**
 * Whether an IPC message may be acted on: it must come from the app's own page, in the top
 * frame of the app's window (not an iframe, not a page navigated to).
 */
export function isTrustedSender(frame: SenderFrameLike | null | undefined, fromAppWindow: boolean): boolean {
  if (!frame || !fromAppWindow) return false;
  if (frame.parent !== null && frame.parent !== undefined) return false;
  return isAppUrl(frame.url);
}

/** Web preferences of the app window: isolated, sandboxed, no Node in the renderer. */
export function appWebPreferences(preload: string): WebPreferences {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: false,
    // WebGPU in the renderer is not needed: simulations run in main (Dawn) or its workers.
    experimentalFeatures: false,
  };
}

/**
 * The preload script of the app window (sandboxed: it may only use `contextBridge` and
 * `ipcRenderer`; it is bundled to CommonJS by scripts/build-app.ts). It exposes exactly one
 * object to the page:
 *
 *   window.spikeflow = {
 *     transport: 'electron',
 *     invoke(method, params): Promise<result>   // rejects with {name: 'ApiCallError', message, method, diagnostics?}
 *     on(event, callback): () => void           // 'run-progress' | 'run-data' | 'run-ended' | 'menu-command'
 *   }
 *
 * No ipcRenderer, no Node, no channel names reach the page. Rejections are plain objects
 * because contextBridge drops custom properties of Error objects (the diagnostics).
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';

// Duplicated from src-main/app/security.ts: a sandboxed preload must be self-contained
// (the bundler inlines imports, but keeping these two literals here makes that obvious).
const API_CHANNEL = 'spikeflow:api';
const EVENT_CHANNEL = 'spikeflow:event';
const EVENTS = new Set(['run-progress', 'run-data', 'run-ended', 'menu-command']);

let nextId = 1;

interface ResponseFrame {
  id: number;
  result?: unknown;
  error?: { message: string; diagnostics?: Array<{ block?: string; field?: string; message: string }> };
}

async function invoke(method: unknown, params: unknown): Promise<unknown> {
  if (typeof method !== 'string') throw { name: 'ApiCallError', message: 'invoke: the method must be a string', method: String(method) };
  const args = params === undefined ? [] : params;
  const response = (await ipcRenderer.invoke(API_CHANNEL, { id: nextId++, method, params: args })) as ResponseFrame;
  if (response.error) {
    throw {
      name: 'ApiCallError',
      message: response.error.message,
      method,
      ...(response.error.diagnostics ? { diagnostics: response.error.diagnostics } : {}),
    };
  }
  return response.result;
}

function on(event: unknown, callback: unknown): () => void {
  if (typeof event !== 'string' || !EVENTS.has(event)) throw new TypeError(`spikeflow.on: unknown event ${JSON.stringify(event)}`);
  if (typeof callback !== 'function') throw new TypeError('spikeflow.on: the callback must be a function');
  const listener = (_e: IpcRendererEvent, message: { event: string; payload: unknown }) => {
    if (message?.event === event) (callback as (payload: unknown) => void)(message.payload);
  };
  ipcRenderer.on(EVENT_CHANNEL, listener);
  return () => {
    ipcRenderer.removeListener(EVENT_CHANNEL, listener);
  };
}

contextBridge.exposeInMainWorld('spikeflow', Object.freeze({ transport: 'electron', invoke, on }));

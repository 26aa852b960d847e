/**
 * The renderer's handle on the Spikeflow API. In the desktop app the preload script
 * exposes `window.spikeflow = {invoke, on}` over IPC; in a browser the page talks to the
 * web host over a WebSocket (`/api/ws?token=…`, the token read from the page's URL
 * fragment `#token=…`). Either way the rest of the renderer sees one typed `SpikeflowApi`
 * and one `on(event, cb)`.
 */
import type { ApiDiagnostic, ApiEvents, ApiMethod, SpikeflowApi } from '../../src-shared/api.js';
import { ApiCallError } from '../../src-shared/api-error.js';
import { handleServerFrame, requestFrame, type PendingCall } from '../../src-shared/api-frames.js';

/** What the Electron preload exposes on `window`. */
export interface PreloadBridge {
  invoke(method: string, params: unknown[]): Promise<unknown>;
  on(event: string, callback: (payload: unknown) => void): (() => void) | void;
}

declare global {
  interface Window {
    spikeflow?: PreloadBridge;
  }
}

export { ApiCallError };

/** Connection state, shown in the status bar. */
export type ConnectionState = 'connecting' | 'open' | 'closed';

/** The typed API plus events and the transport's state. */
export interface ApiClient {
  api: SpikeflowApi;
  on<E extends keyof ApiEvents>(event: E, callback: (payload: ApiEvents[E]) => void): () => void;
  transport: 'ipc' | 'websocket';
  /** Called whenever the connection state changes (WebSocket only; IPC is always open). */
  onState(callback: (state: ConnectionState) => void): () => void;
  /** Turns a download URL from the host (relative to the page) into an absolute one. */
  resolveUrl(url: string): string;
}

type Listener = (payload: unknown) => void;

/** Wraps `invoke(method, params)` into an object with one async method per API method. */
function typedApi(invoke: (method: ApiMethod, params: unknown[]) => Promise<unknown>): SpikeflowApi {
  return new Proxy({} as SpikeflowApi, {
    get(_target, method) {
      if (typeof method !== 'string') return undefined;
      return (...params: unknown[]) => invoke(method as ApiMethod, params);
    },
  });
}

/** The session token from the page address: `#token=…` (web host) or `?token=…`. */
export function pageToken(location: Location): string | null {
  const fromHash = new URLSearchParams(location.hash.replace(/^#/, '')).get('token');
  if (fromHash) return fromHash;
  return new URLSearchParams(location.search).get('token');
}

function ipcClient(bridge: PreloadBridge): ApiClient {
  const invoke = async (method: ApiMethod, params: unknown[]) => {
    try {
      return await bridge.invoke(method, params);
    } catch (err) {
      const e = err as { message?: string; diagnostics?: ApiDiagnostic[] };
      // Electron prefixes errors crossing IPC with "Error invoking remote method '…': ".
      const message = String(e?.message ?? err).replace(/^Error invoking remote method '[^']*': (Error: )?/, '');
      throw new ApiCallError(message, method, e?.diagnostics);
    }
  };
  return {
    api: typedApi(invoke),
    transport: 'ipc',
    on(event, callback) {
      const off = bridge.on(event, callback as Listener);
      return typeof off === 'function' ? off : () => undefined;
    },
    onState(callback) {
      callback('open');
      return () => undefined;
    },
    resolveUrl: (url) => url,
  };
}

/**
 * A WebSocket client that reconnects after a lost connection (the host restarting, a
 * laptop waking up). Calls made while disconnected wait for the next connection; calls in
 * flight when it drops fail, since the host may or may not have acted on them.
 */
function webSocketClient(wsUrl: string, pageUrl: string): ApiClient {
  const pending = new Map<number, PendingCall>();
  const listeners = new Map<string, Set<Listener>>();
  const stateListeners = new Set<(s: ConnectionState) => void>();
  const queue: string[] = [];
  let socket: WebSocket | null = null;
  let state: ConnectionState = 'connecting';
  let nextId = 1;
  let retryMs = 250;

  const setState = (s: ConnectionState) => {
    state = s;
    for (const cb of stateListeners) cb(s);
  };

  const connect = () => {
    const ws = new WebSocket(wsUrl);
    socket = ws;
    setState('connecting');
    ws.onopen = () => {
      retryMs = 250;
      setState('open');
      for (const text of queue.splice(0)) ws.send(text);
    };
    ws.onmessage = (ev: MessageEvent) => {
      handleServerFrame(String(ev.data), listeners, pending, (event, err) => {
        console.error(`listener of "${event}" failed`, err);
      });
    };
    ws.onclose = () => {
      if (socket !== ws) return;
      socket = null;
      for (const [, call] of pending) call.reject(new ApiCallError(`${call.method}: the connection to Spikeflow was lost`, call.method));
      pending.clear();
      setState('closed');
      setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, 5000);
    };
  };
  connect();

  const invoke = (method: ApiMethod, params: unknown[]) => {
    const id = nextId++;
    let text: string;
    try {
      text = requestFrame(id, method, params);
    } catch (err) {
      return Promise.reject(err as Error);
    }
    return new Promise<unknown>((resolve, reject) => {
      pending.set(id, { method, resolve, reject });
      if (socket && socket.readyState === WebSocket.OPEN) socket.send(text);
      else queue.push(text);
    });
  };

  return {
    api: typedApi(invoke),
    transport: 'websocket',
    on(event, callback) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      const cb = callback as Listener;
      set.add(cb);
      return () => set.delete(cb);
    },
    onState(callback) {
      stateListeners.add(callback);
      callback(state);
      return () => stateListeners.delete(callback);
    },
    resolveUrl: (url) => new URL(url, pageUrl).toString(),
  };
}

/** The client for this page: IPC in the desktop app, else the web host's WebSocket. */
export function createApiClient(win: Window = window): ApiClient {
  if (win.spikeflow && typeof win.spikeflow.invoke === 'function') return ipcClient(win.spikeflow);
  const token = pageToken(win.location) ?? win.sessionStorage.getItem('spikeflow-token');
  if (!token) {
    throw new Error('This page needs the address printed by the Spikeflow web host (it ends in #token=…).');
  }
  // Kept for this tab, so a reload of an address without the fragment still connects.
  win.sessionStorage.setItem('spikeflow-token', token);
  const scheme = win.location.protocol === 'https:' ? 'wss:' : 'ws:';
  const wsUrl = `${scheme}//${win.location.host}/api/ws?token=${encodeURIComponent(token)}`;
  return webSocketClient(wsUrl, win.location.href);
}

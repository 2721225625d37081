import { contextBridge, ipcRenderer } from 'electron';
import { IPC_EVENT_PREFIX, IPC_INVOKE_PREFIX, isEventChannel, isInvokeChannel } from '../shared/channels';
import type { StationBridge } from '../shared/contract';
import { callIsolated } from '../shared/isolated-listener';

/**
 * The one object the renderer gets (checklist 20): `window.station`, built from the contract.
 * Channel names are checked here before anything reaches ipcRenderer (as VS Code does), listeners
 * receive payloads only, and neither ipcRenderer nor its event objects ever cross the bridge.
 */
const station: StationBridge = {
  invoke(channel, request) {
    if (!isInvokeChannel(channel)) {
      return Promise.resolve({
        ok: false,
        error: { code: 'UNKNOWN_CHANNEL', message: 'The station does not know that request.', details: {} },
      });
    }
    return ipcRenderer.invoke(IPC_INVOKE_PREFIX + channel, request);
  },
  on(event, listener) {
    if (!isEventChannel(event) || typeof listener !== 'function') {
      throw new TypeError('station.on: unknown event or listener is not a function');
    }
    // Each listener on its own: ipcRenderer is an EventEmitter, and one listener that throws would
    // stop emit() before the others.
    const forward = (_event: unknown, payload: unknown): void => callIsolated(listener, payload as never);
    ipcRenderer.on(IPC_EVENT_PREFIX + event, forward);
    return () => {
      ipcRenderer.removeListener(IPC_EVENT_PREFIX + event, forward);
    };
  },
};

contextBridge.exposeInMainWorld('station', station);

import { type BrowserWindow, ipcMain, type IpcMainInvokeEvent } from 'electron';
import { INVOKE_CHANNELS, IPC_EVENT_PREFIX, IPC_INVOKE_PREFIX } from '../../shared/contract';
import { StationError } from '../../shared/errors';
import { dispatch } from '../station';
import { createRefusedSenderLog } from '../log';
import { senderAllowed } from '../shell-policy';
import type { Station } from '../station';

/**
 * Registers one handler per contract channel. Each checks that the sending frame is our own
 * top-level app:// page (checklist 17) before the payload is parsed and dispatched; a refusal is
 * written to the station's diagnostic log (origin and channel, rate-limited).
 */
export function registerStationIpc(station: Station, window: () => BrowserWindow | null): () => void {
  const logRefusal = createRefusedSenderLog(station.log, () => new Date());
  for (const channel of INVOKE_CHANNELS) {
    ipcMain.handle(IPC_INVOKE_PREFIX + channel, async (event: IpcMainInvokeEvent, payload: unknown) => {
      const frame = event.senderFrame;
      const isMainFrame = frame !== null && frame === event.sender.mainFrame;
      if (!senderAllowed(frame?.url, isMainFrame)) {
        logRefusal({ url: frame?.url, channel, mainFrame: isMainFrame });
        return { ok: false, error: new StationError('FORBIDDEN_SENDER', 'Request refused.').toPayload() };
      }
      return dispatch(station.handlers, channel, payload);
    });
  }
  const unsubscribe = station.subscribe((event, payload) => {
    const win = window();
    if (win && !win.isDestroyed()) win.webContents.send(IPC_EVENT_PREFIX + event, payload);
  });
  return () => {
    unsubscribe();
    for (const channel of INVOKE_CHANNELS) ipcMain.removeHandler(IPC_INVOKE_PREFIX + channel);
  };
}

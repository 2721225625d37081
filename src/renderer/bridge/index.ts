import type { StationBridge } from '../../shared/contract';
import { createWebSocketBridge } from './ws-bridge';

declare global {
  interface Window {
    /** Present in the Electron app (exposed by the preload); absent when served by the host. */
    station?: StationBridge;
  }
}

export function connectBridge(): StationBridge {
  return window.station ?? createWebSocketBridge(window.location);
}

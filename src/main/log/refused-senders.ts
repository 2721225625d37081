// A frame that is not our own top-level app:// page calling the station over IPC (checklist 17) is
// refused with FORBIDDEN_SENDER; it is also written to the diagnostic log, so support can see that
// something foreign ran inside the app. Only where it came from (the URL's origin, never its path or
// query, which could carry anything) and which channel: never the payload. Rate-limited like the
// renderer's error reports: a page hammering the bridge cannot fill the disk.
import type { DiagnosticLog } from './diagnostic-log';
import { createPerMinuteLimit } from './per-minute-limit';

export const REFUSED_SENDERS_PER_MINUTE = 20;

export interface RefusedSender {
  /** The sending frame's URL; undefined when the frame is gone. */
  url: string | undefined;
  channel: string;
  /** Whether the frame was the window's top frame (a subframe of our own page is refused too). */
  mainFrame: boolean;
}

/**
 * scheme://host only. WHATWG's `origin` is "null" for non-special schemes such as our app://, so
 * it is spelled out here; an unparsable URL is said to be one, never copied.
 */
export function originOf(url: string | undefined): string {
  if (url === undefined || url === '') return 'none';
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}`;
  } catch (err) {
    // Not a URL at all: the text itself is not logged (it is the untrusted frame's).
    return err instanceof TypeError ? 'unparsable' : 'unknown';
  }
}

export function createRefusedSenderLog(
  log: Pick<DiagnosticLog, 'warn'>,
  now: () => Date,
  perMinute: number = REFUSED_SENDERS_PER_MINUTE,
): (refused: RefusedSender) => void {
  const admit = createPerMinuteLimit({ perMinute, now, onDropped: (dropped) => log.warn('ipc.sender-refused-dropped', { dropped, perMinute }) });
  return ({ url, channel, mainFrame }) => {
    if (admit()) log.warn('ipc.sender-refused', { origin: originOf(url), channel, mainFrame });
  };
}

// The operating system's log as the station writes to it (the fleet view). One interface, one
// module per OS (syslog-linux.ts, unified-macos.ts, eventlog-windows.ts), the event ids in
// src/shared/os-events.ts. Writing is best-effort by design: the OS log is a copy for IT, the
// audit journal and the diagnostic log are the station's own records, so a lost or slow OS log
// never blocks or fails an operation. Events are queued (bounded), written one at a time, and
// failures and drops are counted for Diagnostics.
import type { OsEventSeverity } from '../../shared/os-events';
import type { OsLogStatus } from '../../shared/diagnostics';

export interface OsLogEvent {
  /** The stable id (src/shared/os-events.ts). */
  readonly id: number;
  /** The event's name, e.g. `station.start` or `audit.bind.done` (syslog MSGID). */
  readonly name: string;
  readonly severity: OsEventSeverity;
  /** One line for a person (already redacted). */
  readonly message: string;
  /** Structured fields: always `eventId`; audit records also `position` and `hash`. */
  readonly data: Readonly<Record<string, string>>;
}

export interface OsLogSink {
  /** Queues the event; never throws, never waits. */
  write(event: OsLogEvent): void;
  status(): OsLogStatus;
  /** Waits (bounded) for queued events to be written: at stop, so `station.stop` is not lost. */
  flush(timeoutMs?: number): Promise<void>;
}

/** A queue in front of one writer: one write at a time, at most `maxQueued` waiting (more are dropped). */
export function createQueuedSink(kind: OsLogStatus['sink'], target: string, writeOne: (event: OsLogEvent) => Promise<void>, maxQueued = 1_000): OsLogSink {
  const queue: OsLogEvent[] = [];
  let written = 0;
  let failed = 0;
  let dropped = 0;
  let lastError: string | null = null;
  let running: Promise<void> | null = null;

  const drain = async (): Promise<void> => {
    for (let event = queue.shift(); event !== undefined; event = queue.shift()) {
      try {
        await writeOne(event);
        written += 1;
      } catch (err) {
        failed += 1;
        lastError = (err instanceof Error ? err.message : String(err)).slice(0, 300);
      }
    }
  };
  const start = () => {
    running ??= drain().finally(() => {
      running = null;
    });
  };
  return {
    write(event) {
      if (queue.length >= maxQueued) {
        dropped += 1;
        return;
      }
      queue.push(event);
      start();
    },
    status: () => ({ sink: kind, target, written, failed, dropped, queued: queue.length, lastError }),
    async flush(timeoutMs = 2_000) {
      if (running === null) return;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([running, new Promise<void>((done) => (timer = setTimeout(done, timeoutMs)))]);
      clearTimeout(timer);
    },
  };
}

/** No OS log here (no syslog socket, an unknown OS): events are counted as dropped, with the reason. */
export function createNoOsLog(reason: string): OsLogSink {
  let dropped = 0;
  return {
    write: () => {
      dropped += 1;
    },
    status: () => ({ sink: 'none', target: reason, written: 0, failed: 0, dropped, queued: 0, lastError: null }),
    flush: async () => undefined,
  };
}

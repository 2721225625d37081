// Every event source in the station (reader monitor, connectivity, workflow, outbox, settings, bulk
// mode, the station's own stream) hands events to several listeners: the renderer bridge, the
// workflow, the CLI's waits. One listener that throws must not stop the others, nor unwind into the
// source (a throw inside the monitor's publish would leave the reader state half-updated), so each
// call is isolated and the failure reported. The reporter is required: the station passes its
// diagnostic log (listenerErrorsTo in src/main/log), so a failure reaches the file the packaged app
// keeps; stderr (reportListenerErrorToStderr) only where a process truly has no log.

export type ListenerErrorReporter = (error: unknown, source: string) => void;

/** Only where there is no diagnostic log at all (a CLI read, a test): stderr, which the packaged app never shows. */
export const reportListenerErrorToStderr: ListenerErrorReporter = (error, source) => {
  console.error(`A ${source} listener failed:`, error);
};

export interface ListenerSet<Args extends unknown[]> {
  /** Adds a listener; returns its unsubscribe. */
  add(listener: (...args: Args) => void): () => void;
  /** Calls every listener present when the emit began, each isolated from the others' failures. */
  emit(...args: Args): void;
  clear(): void;
  readonly size: number;
}

export function createListenerSet<Args extends unknown[]>(source: string, onError: ListenerErrorReporter): ListenerSet<Args> {
  const listeners = new Set<(...args: Args) => void>();
  return {
    add(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    emit(...args) {
      for (const listener of [...listeners]) {
        try {
          listener(...args);
        } catch (err) {
          try {
            onError(err, source);
          } catch {
            // A failing reporter must not turn one bad listener into a failed emit.
          }
        }
      }
    },
    clear: () => listeners.clear(),
    get size() {
      return listeners.size;
    },
  };
}

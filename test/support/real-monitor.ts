// The station's reader monitor on the real pcscd (the PC/SC addon and pcscd's socket probe), as the
// integration tests and the PC/SC bench watch vpcd's readers; `overrides` for what a test varies.
import { reportListenerErrorToStderr } from '../../src/main/common';
import { createPcscdSocketProbe, createPcscliteBinding, createReaderMonitor, type ReaderMonitor, type ReaderMonitorDeps } from '../../src/main/pcsc';

export function realReaderMonitor(overrides: Partial<ReaderMonitorDeps> = {}): ReaderMonitor {
  return createReaderMonitor({
    onListenerError: reportListenerErrorToStderr,
    binding: createPcscliteBinding(),
    probe: createPcscdSocketProbe(),
    now: () => new Date(),
    ...overrides,
  });
}

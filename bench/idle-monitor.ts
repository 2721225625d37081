// Child of bench/pcsc.ts: runs the station's reader monitor (real binding) and nothing else, so its
// CPU time can be read from /proc/<pid>/stat. Reports 'ready' once it shows `readers` readers and
// `cards` identified cards.
import { createPcscdSocketProbe, createPcscliteBinding, createReaderMonitor } from '../src/main/pcsc';
import { reportListenerErrorToStderr } from '../src/main/common';

const [readers, cards] = [Number(process.argv[2] ?? 2), Number(process.argv[3] ?? 1)];
const monitor = createReaderMonitor({
  onListenerError: reportListenerErrorToStderr,
  binding: createPcscliteBinding(),
  probe: createPcscdSocketProbe(),
  now: () => new Date(),
});
let reported = false;
monitor.subscribe((snapshot) => {
  const identified = snapshot.readers.filter((r) => r.card?.identity?.status === 'read').length;
  if (reported || snapshot.readers.length !== readers || identified !== cards) return;
  reported = true;
  process.send?.('ready');
});
process.on('disconnect', () => void monitor.close().then(() => process.exit(0)));

// A separate process that holds a card EXCLUSIVE (another program "using the card"), to provoke
// SCARD_E_SHARING_VIOLATION. Reports 'held' over IPC; releases and exits on 'release'.
// Test support, so it talks to the addon's own wrapper directly rather than through the station's
// binding (which only ever connects SHARED).
import { createRequire } from 'node:module';

interface Reader {
  name: string;
  SCARD_SHARE_EXCLUSIVE: number;
  SCARD_LEAVE_CARD: number;
  connect(options: { share_mode: number }, cb: (err: unknown) => void): void;
  disconnect(disposition: number, cb: (err: unknown) => void): void;
  on(event: 'status', listener: (status: { state: number }) => void): void;
  close(): void;
}
interface Pcsc {
  on(event: 'reader', listener: (reader: Reader) => void): void;
  on(event: 'error', listener: (err: unknown) => void): void;
  close(): void;
}

const readerName = process.argv[2];
const pcsclite = createRequire(import.meta.url)('@pokusew/pcsclite') as () => Pcsc;
const pcsc = pcsclite();
pcsc.on('error', (err) => {
  process.send?.({ type: 'error', message: String(err) });
});
pcsc.on('reader', (reader) => {
  if (reader.name !== readerName) return;
  let connecting = false;
  reader.on('status', (status) => {
    if (connecting || (status.state & 0x20) === 0) return;
    connecting = true;
    reader.connect({ share_mode: reader.SCARD_SHARE_EXCLUSIVE }, (err) => {
      if (err) {
        process.send?.({ type: 'error', message: String(err) });
        return;
      }
      process.send?.({ type: 'held' });
      process.on('message', () => {
        reader.disconnect(reader.SCARD_LEAVE_CARD, () => {
          setImmediate(() => {
            reader.close();
            pcsc.close();
            process.exit(0);
          });
        });
      });
    });
  });
});
process.on('disconnect', () => process.exit(0));

// Handle accounting for leak tests: open file descriptors of this process, after a full GC (the
// native addon releases a context's socket when its JavaScript object is collected).
import { readdirSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

export async function openFdCountAfterGc(): Promise<number> {
  for (let i = 0; i < 3; i++) {
    gc();
    // Let weak callbacks and the native close callbacks they schedule run.
    await new Promise((resolve) => setImmediate(resolve));
  }
  return readdirSync('/proc/self/fd').length;
}

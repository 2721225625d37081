// Starts the one pcscd (with the vpcd driver) that every integration test file shares; the files run
// serially (vitest.config.ts). Fails loudly outside the namespace native/netns-run.mjs prepares.
import { startPcscStack } from '../support/pcsc-stack';

export default async function setup(): Promise<() => Promise<void>> {
  const stack = await startPcscStack();
  return () => stack.dispose();
}

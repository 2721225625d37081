/**
 * Starts a promise nobody waits for (an event handler, an effect) with a handler attached: a
 * rejection is reported, never left unhandled. The lint forbids `void promise` (no-floating-promises
 * with ignoreVoid off), so every fire-and-forget in the screens goes through here.
 */
export function fire(promise: Promise<unknown>, what: string): void {
  promise.catch((err: unknown) => {
    console.error(`The screens' ${what} failed:`, err);
  });
}

// The execution routes' code is loaded on the first call that needs it, not when the simulator starts:
// it brings the throw-away CA's X.509 and CMS code (@peculiar/x509 and its ASN.1 schemas, about 150
// files), which a training station that only enrolls never uses (issue 19 item 7, start-up share).
import type { SimExecution, SimExecutionOptions } from './handle';

export function createLazySimExecution(options: SimExecutionOptions): SimExecution {
  let loaded: SimExecution | null = null;
  let loading: Promise<SimExecution> | null = null;
  const load = (): Promise<SimExecution> =>
    (loading ??= import('./handle').then(
      ({ createSimExecution }) => (loaded = createSimExecution(options)),
      (err: unknown) => {
        // The next call tries again; this one's caller gets the error.
        loading = null;
        throw err;
      },
    ));
  return {
    handle: async (state, call, tamper) => (await load()).handle(state, call, tamper),
    // Nothing is executing before the first call has loaded the routes.
    executing: (smartcardUuid) => loaded?.executing(smartcardUuid) ?? false,
    caCertificates: async () => (await load()).caCertificates(),
  };
}

// The execution routes' code is loaded on the first call that needs it, not when the simulator starts:
// it brings the throw-away CA's X.509 and CMS code (@peculiar/x509 and its ASN.1 schemas, about 150
// files), which a training station that only enrolls never uses (issue 19 item 7, start-up share).
import { loadOnce } from '../../../common';
import type { SimExecution, SimExecutionOptions } from './handle';

export function createLazySimExecution(options: SimExecutionOptions): SimExecution {
  let loaded: SimExecution | null = null;
  const load = loadOnce(async () => (loaded = (await import('./handle')).createSimExecution(options)));
  return {
    handle: async (state, call, tamper) => (await load()).handle(state, call, tamper),
    // Nothing is executing before the first call has loaded the routes.
    executing: (smartcardUuid) => loaded?.executing(smartcardUuid) ?? false,
    caCertificates: async () => (await load()).caCertificates(),
  };
}

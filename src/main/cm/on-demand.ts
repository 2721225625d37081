// What the CM client hands out but a station does not need to start, loaded on first use (issue 19
// item 7, bench/startup.ts): cm-check, and desk issuance's execution routes with their zod schemas
// (check.ts, check-issuance.ts, execution.ts, execution-wire.ts: about 40 KiB the station would
// otherwise compile and build at every start). Same names and types as the functions they load.
import { loadOnce } from '../common';
import type * as CheckModule from './check';
import type * as ExecutionModule from './execution';
import type { CmExecutionClient } from './execution-types';

const loadCheck = loadOnce(() => import('./check'));

/** The execution routes' module (parseCertificateData, for a run that has started: IssuancePorts.prepare). */
export const loadCmExecution = loadOnce(() => import('./execution'));

export const checkConfiguredCm: typeof CheckModule.checkConfiguredCm = async (settings, transport) =>
  (await loadCheck()).checkConfiguredCm(settings, transport);

export const runCmCheck: typeof CheckModule.runCmCheck = async (options) => (await loadCheck()).runCmCheck(options);

/** createCmExecutionClient of execution.ts; the routes' code is loaded on the first call. */
export function createCmExecutionClient(options: ExecutionModule.CmExecutionClientOptions): CmExecutionClient {
  const load = loadOnce(async () => (await loadCmExecution()).createCmExecutionClient(options));
  return {
    getSmartcardConfiguration: async (profileTemplateUuid) => (await load()).getSmartcardConfiguration(profileTemplateUuid),
    getAuthenticationResponse: async (ids, challenge, diversified) => (await load()).getAuthenticationResponse(ids, challenge, diversified),
    getDiversifiedKey: async (ids) => (await load()).getDiversifiedKey(ids),
    getServerProposedPin: async (ids) => (await load()).getServerProposedPin(ids),
    getCertificateRequestGenerationOptions: async (requestId) => (await load()).getCertificateRequestGenerationOptions(requestId),
    postCertificateData: async (input) => (await load()).postCertificateData(input),
    setRequestStatus: async (requestId, status) => (await load()).setRequestStatus(requestId, status),
  };
}

/** The CM REST client: the only entry point other capability folders import. */
export { createCmClient } from './client';
export type { BindCardInput, CmCallOutcome, CmClient, CmClientOptions, SetSmartcardStatusInput } from './client';
export { nodeFetchTransport } from './transport';
export { nodeHttpTransport } from './node-http';
// createNegotiateTransport is imported from './negotiate-transport' by the Node entry points only:
// it loads the kerberos addon, which the installed app does not ship (packaging/main-bundle.test.ts).
export type { AuthReport, NegotiateFailureReason } from './auth-challenge';
export type { CmTransport, CmTransportInit, CmTransportResponse } from './transport';
// cm-check and the execution routes (desk issuance) are loaded on first use, not at start-up (on-demand.ts).
export { checkConfiguredCm, createCmExecutionClient, loadCmExecution, runCmCheck } from './on-demand';
export type { CmCheckOptions } from './check';
export type { CmCall, CmExecutionClientOptions } from './execution';
export type { CmCertificateRequestOption, CmExecutionClient, CmIssuedCertificateAnswer, CmSmartcardConfiguration, ExecutionIds } from './execution-types';
export { ADMIN_KEY_BYTES } from './execution-types';
export type { CmClientWithCall } from './client';

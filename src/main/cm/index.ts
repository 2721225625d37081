/** The CM REST client: the only entry point other capability folders import. */
export { createCmClient } from './client';
export type { BindCardInput, CmCallOutcome, CmClient, CmClientOptions, SetSmartcardStatusInput } from './client';
export { nodeFetchTransport } from './transport';
export { nodeHttpTransport } from './node-http';
// createNegotiateTransport is imported from './negotiate-transport' by the Node entry points only:
// it loads the kerberos addon, which the installed app does not ship (packaging/main-bundle.test.ts).
export type { AuthReport, NegotiateFailureReason } from './auth-challenge';
export type { CmTransport, CmTransportInit, CmTransportResponse } from './transport';
export { authSchemes, checkConfiguredCm, runCmCheck } from './check';
export type { CmCheckOptions } from './check';
export { createCmExecutionClient, parseCertificateData, EXECUTION_ROUTES } from './execution';
export type { CmCall, CmExecutionClientOptions } from './execution';
export type { CmCertificateRequestOption, CmExecutionClient, CmIssuedCertificateAnswer, CmSmartcardConfiguration, ExecutionIds } from './execution-types';
export type { CmClientWithCall } from './client';
export { checkDeskIssuance, describeDeskIssuance } from './check-issuance';
// The one CM HTTP layer (issue #19): the execution routes call CM through cmCall.
export { cmCall, createCmHttp } from './http';
export type { CmAnswer, CmCallInput, CmHttp } from './http';

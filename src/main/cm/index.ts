/** The CM REST client: the only entry point other capability folders import. */
export { createCmClient } from './client';
export type { BindCardInput, CmCallOutcome, CmClient, CmClientOptions, SetSmartcardStatusInput } from './client';
export { nodeFetchTransport } from './transport';
export { createNegotiateTransport } from './negotiate-transport';
export type { AuthReport, NegotiateFailureReason } from './auth-challenge';
export type { CmTransport, CmTransportInit, CmTransportResponse } from './transport';
export { authSchemes, checkConfiguredCm, runCmCheck } from './check';
export type { CmCheckOptions } from './check';
export { createCmExecutionClient, parseCertificateData, EXECUTION_ROUTES } from './execution';
export type { CmCall, CmExecutionClientOptions } from './execution';
export type {
  CmCertificateRequestOption,
  CmExecutionClient,
  CmIssuedCertificateAnswer,
  CmSmartcardConfiguration,
  ExecutionIds,
} from './execution-types';
export type { CmClientWithCall } from './client';

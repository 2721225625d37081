/** The CM REST client: the only entry point other capability folders import. */
export { createCmClient } from './client';
export type { BindCardInput, CmCallOutcome, CmClient, CmClientOptions, SetSmartcardStatusInput } from './client';
export { nodeFetchTransport } from './transport';
export { createNegotiateTransport } from './negotiate-transport';
export type { AuthReport, NegotiateFailureReason } from './auth-challenge';
export type { CmTransport, CmTransportInit, CmTransportResponse } from './transport';
export { authSchemes, checkConfiguredCm, runCmCheck } from './check';
export type { CmCheckOptions } from './check';
// The one CM HTTP layer (issue #19): the execution routes call CM through cmCall.
export { cmCall, createCmHttp } from './http';
export type { CmAnswer, CmCallInput, CmHttp } from './http';

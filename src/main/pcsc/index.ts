// The PC/SC capability's public API: other folders import from here only.
export { parseAtr } from './atr';
export { createPcscliteBinding } from './binding';
export type { BindingStats, CardConnection, ContextListener, PcscBinding, PcscContext, PcscliteBinding, ReaderStatus } from './binding';
export { createCardModelMatcher } from './card-models';
export type { CardModel, CardModelMatcher, CardModelMatcherOptions } from './card-models';
export { createAtrDescriber } from './describe';
export type { AtrDescriber } from './describe';
export { runDiagnostics } from './diagnostics';
export type { DiagnosticsDeps } from './diagnostics';
export { pcscCodeHex, pcscCodeOf, pcscError, toPcscError } from './errors';
export { DEFAULT_IDENTIFY_TIMEOUT_MS, formatCmGuid, readCardIdentity } from './identify';
export type { CardAccess, IdentifyOptions } from './identify';
export { createReaderMonitor } from './monitor';
export type { ReaderMonitor, ReaderMonitorDeps } from './monitor';
export { createReaderFilter } from './reader-filter';
export type { ReaderFilter, ReaderFilterConfig } from './reader-filter';
export { createPcscContextProbe, createPcscdSocketProbe, createServiceProbe, createWindowsServiceProbe, PCSCD_SOCKET_PATH } from './service-probe';
export type { ServiceProbe } from './service-probe';
// The PIV host side (./piv), for the issuance engine: loaded on first use (piv-on-demand.ts).
export { createPivCardAccess, loadPivCode } from './piv-on-demand';
export type { PivCapability, PivCardAccess, PivConnector, PivKeyAlgorithm, PivSession } from './piv';
export { parseBerTlvFlat } from './tlv';

// Desk issuance (issue 16, ../shared/docs/desk-issuance.md): other folders import from here only.
export { createIssuancePorts, describeCertificate, pki } from './adapters';
export { createIssuanceGate } from './gate';
export type { IssuanceGateDeps } from './gate';
export { openIssuanceService } from './service';
export type { IssuanceService, IssuanceServiceDeps } from './service';
export type { CertificateAnswerEntry, CertificateFacts, CmRecords, IssuancePki, IssuancePorts } from './ports';
export type { IssuanceRecord, NewIssuance } from './records';
export { FACTORY_PIN, FACTORY_PUK } from './pin';
export { TRANSIENT_CARD, TRANSIENT_CARD_RETRIES } from './classify';

export { createAuditLog } from './audit-log';
export type { AuditLog, AuditLogOptions } from './audit-log';

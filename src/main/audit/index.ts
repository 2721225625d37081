export { createAuditLog } from './audit-log';
export type { AuditLog, AuditLogOptions } from './audit-log';
export { type ChainReport, describeBreak, verifyChain } from './chain';
export { verifyAuditFile } from './verify-file';
export { assertExportFolderAllowed } from './export-folder';

export { openJournal } from './journal';
export type { Journal, JournalRecovery, OpenedJournal, OpenJournalOptions } from './journal';
export { ensurePrivateDir, replaceFileDurably } from './durable-fs';
export { readJournalRecords } from './read-only';
export { readFrame } from './frame';

export { openJournal } from './journal';
export type { Journal, JournalRecovery, OpenedJournal, OpenJournalOptions } from './journal';
export { replaceFileDurably } from './durable-fs';

export { openJournal } from './journal';
export type { AppendOptions, FlushWhen, Journal, JournalRecovery, OpenedJournal, OpenJournalOptions } from './journal';
export { ensurePrivateDir, replaceFileDurably, replaceFileDurablyInBackground } from './durable-fs';
export { readJournalRecords } from './read-only';
export { readFrame } from './frame';

// Reading a journal without opening it for writing: for commands that may run beside the station
// (support bundles), which must not cut a torn tail or take the file over. An unfinished append at
// the end is left where it is and reported; damage elsewhere is the same STORAGE_CORRUPT as open.
import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { parseRecords } from './journal';

export function readJournalRecords<T>(path: string, schema: z.ZodType<T>): { records: T[]; tornTail: string | null } {
  const { records, torn } = parseRecords(path, readFileSync(path), schema);
  return { records, tornTail: torn };
}

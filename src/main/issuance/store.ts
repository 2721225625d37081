import { join } from 'node:path';
import { StationError } from '../../shared/errors';
import { openJournal, type FlushWhen, type JournalRecovery } from '../journal';
import type { DiagnosticLog } from '../log';
import { describeError } from '../log';
import { isFinished, issuanceRecordSchema, type IssuanceRecord } from './records';

/**
 * The issuance journal (`issuance.journal` in the data folder, one per station): every change to an
 * issuance is on disk (fdatasync, src/main/journal) before anyone sees it or the next card or CM
 * call is made, unless the runner says the record is only progress (`flush: 'with-next'`: a crash
 * may lose it, and the run then redoes an idempotent step; see runner.ts). The last record per
 * request wins; a torn tail is cut off at open, as in the outbox.
 */
export interface IssuanceStore {
  readonly recovery: JournalRecovery;
  get(requestId: string): IssuanceRecord | undefined;
  values(): IssuanceRecord[];
  /** Durable first (with `'with-next'`, written first and durable with the next 'now'), then visible. */
  commit(next: IssuanceRecord, flush?: FlushWhen): Promise<void>;
  close(): Promise<void>;
}

const DAY_MS = 86_400_000;
/** Finished issuances are kept this long (the audit trail keeps everything). */
const RETENTION_DAYS = 30;

export async function openIssuanceStore(options: { dir: string; nowMs: () => number; log: Pick<DiagnosticLog, 'warn'> }): Promise<IssuanceStore> {
  const { journal, records, recovery } = await openJournal({ path: join(options.dir, 'issuance.journal'), schema: issuanceRecordSchema });
  const latest = new Map<string, IssuanceRecord>();
  for (const record of records) latest.set(record.requestId, record);

  // Start-up compaction only saves space: a failure leaves the intact journal in use.
  if (recovery.truncatedTail !== null || journal.recordCount > latest.size * 4 + 200) {
    const cutoff = options.nowMs() - RETENTION_DAYS * DAY_MS;
    for (const [id, record] of latest) if (isFinished(record) && Date.parse(record.updatedAt) < cutoff) latest.delete(id);
    await journal.compact([...latest.values()]).catch((err: unknown) => options.log.warn('issuance.compact-failed', describeError(err)));
  }

  return {
    recovery,
    get: (requestId) => latest.get(requestId),
    values: () => [...latest.values()],
    async commit(next, flush = 'now') {
      // Never write what could not be read back: a bad record would make the next start fail.
      const checked = issuanceRecordSchema.safeParse(next);
      if (!checked.success) {
        throw new StationError('INTERNAL', 'The station refused to record an invalid issuance state.', { problem: checked.error.message.slice(0, 300) });
      }
      await journal.append(checked.data, { flush });
      latest.set(next.requestId, checked.data);
    },
    close: () => journal.close(),
  };
}

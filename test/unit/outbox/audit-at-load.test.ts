import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { AuditEntryInput } from '../../../src/shared/audit';
import { bindInput, harness, type Harness, retireInput } from './helpers';

let h: Harness | null = null;
afterEach(() => {
  if (h) rmSync(h.dir, { recursive: true, force: true });
  h = null;
});

describe('an operation on disk that was never audited as queued', () => {
  it('is audited at load (once, saying why); operations audited normally are not audited again', async () => {
    h = await harness();
    const normal = await h.outbox.enqueue(bindInput(1));
    await h.outbox.close();
    // The station "stops" between recording the operation and auditing it: the audit append fails.
    let failQueued = true;
    const crashing = await h.open({
      audit: {
        append: async (entry: AuditEntryInput) => {
          if (failQueued && entry.action.endsWith('.queued')) throw new Error('stopped before the audit');
          return h!.audit.append(entry);
        },
        query: (q) => h!.audit.query(q),
      },
    });
    await expect(crashing.enqueue(retireInput())).rejects.toBeDefined();
    failQueued = false;
    await crashing.close();
    const lost = crashing.list().find((op) => op.kind === 'retire')!;
    expect(h.audit.query({}).filter((e) => e.action === 'retire.queued')).toEqual([]);

    const reopened = await h.open();
    const queued = h.audit.query({}).filter((e) => e.action.endsWith('.queued'));
    expect(queued.map((e) => e.action)).toEqual(['bind.queued', 'retire.queued']);
    expect(queued[1]).toMatchObject({ requestId: lost.requestId, smartcardUuid: lost.smartcardUuid, result: 'queued' });
    expect(queued[1]?.message).toMatch(new RegExp(`^Operation ${lost.id} was in the outbox but never audited as queued`));
    expect(queued[0]?.cardId).toBe(normal.kind === 'bind' ? normal.cardId : null);
    await reopened.close();
    // Once audited, a later load leaves the trail alone.
    const again = await h.open();
    expect(h.audit.query({}).filter((e) => e.action.endsWith('.queued'))).toHaveLength(2);
    await again.close();
  });
});

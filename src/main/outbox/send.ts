import { normalizeGuid } from '../../shared/cm';
import { StationError } from '../../shared/errors';
import type { OutboxOperation } from '../../shared/outbox';
import { asStationError } from './classify';
import type { OutboxCmPort } from './port';

/** What one trip to CM produced for an operation. */
export type CmOutcome =
  | { ok: true; smartcardUuid: string; settledByLookup: boolean }
  | { ok: false; error: StationError; phase: 'lookup' | 'send' };

function bound(uuid: string, settledByLookup: boolean): CmOutcome {
  // What CM answered goes into the journal: it must fit the schema it is read back with.
  const smartcardUuid = normalizeGuid(uuid);
  if (smartcardUuid !== null) return { ok: true, smartcardUuid, settledByLookup };
  const error = new StationError('CM_MALFORMED_RESPONSE', 'CM answered with a smart card id that is not a GUID.', {
    problem: uuid.slice(0, 100),
  });
  return { ok: false, error, phase: settledByLookup ? 'lookup' : 'send' };
}

/**
 * Carry an operation out in CM. A bind whose earlier outcome is unknown is first looked up by card
 * id: if CM has the card, the earlier send took effect and nothing is sent again.
 */
export async function sendToCm(cm: OutboxCmPort, op: OutboxOperation): Promise<CmOutcome> {
  if (op.kind === 'retire') {
    try {
      await cm.retire({ requestId: op.requestId, smartcardUuid: op.smartcardUuid });
      return { ok: true, smartcardUuid: op.smartcardUuid, settledByLookup: false };
    } catch (err) {
      return { ok: false, error: asStationError(err), phase: 'send' };
    }
  }
  if (op.outcomeUnknown) {
    try {
      const found = await cm.findSmartcardByCardId(op.cardId);
      if (found !== null) return bound(found.uuid, true);
    } catch (err) {
      return { ok: false, error: asStationError(err), phase: 'lookup' };
    }
  }
  try {
    const { smartcardUuid } = await cm.bind({ requestId: op.requestId, cardId: op.cardId, atr: op.atr });
    return bound(smartcardUuid, false);
  } catch (err) {
    return { ok: false, error: asStationError(err), phase: 'send' };
  }
}

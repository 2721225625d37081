import { describe, expect, it } from 'vitest';
import {
  bindabilityOf,
  NEVER_BOUND_TYPE_NUMBERS,
  cardToRetire,
  readRequestType,
  REQUEST_TYPE_RULES,
  requestTypeLabel,
  requestTypeNumbersSchema,
} from '../../../src/shared/request-types';

const OLD = '17cf063d-e337-4aa9-a822-346554ddd3c9';
const CHOSEN = '438d1b30-f3b4-4bed-85fa-285e08605ba7';

describe('the request-type table (issue #9, part 1)', () => {
  it('binds a new card only to Enroll, Duplicate, Recover, RecoverOnBehalf, Renew and TemporaryCardEnroll', () => {
    const bindable = Object.entries(REQUEST_TYPE_RULES)
      .filter(([, rule]) => rule.bindable)
      .map(([type]) => type)
      .sort();
    expect(bindable).toEqual(['Duplicate', 'Enroll', 'Recover', 'RecoverOnBehalf', 'Renew', 'TemporaryCardEnroll']);
    for (const type of [
      'Unblock',
      'OfflineUnblock',
      'OnlineUpdate',
      'Retire',
      'Revoke',
      'Disable',
      'Reinstate',
      'SuspendOrReinstate',
      'TemporaryCardDisable',
      'TemporaryCardRetire',
    ] as const) {
      const result = bindabilityOf({ kind: 'confirmed', type, by: 'name' });
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.reason).toMatch(new RegExp(`^${type} `));
    }
  });

  // Issue #17, part 2 (replaces "RecoverOnBehalf retires"): the FIM CM SDK's RequestType page calls
  // RecoverOnBehalf "a request to recover previously archived certificates for a specific smart card
  // or software profile"; Recover is the one "smart cards also refer to as a replacement request".
  it('retires OldSmartcardUuid only for Recover and Renew; Enroll only a chosen card; RecoverOnBehalf, Duplicate, Temporary never', () => {
    const request = { oldSmartcardUuid: OLD };
    const read = (type: 'Recover' | 'RecoverOnBehalf' | 'Renew' | 'Enroll' | 'Duplicate' | 'TemporaryCardEnroll' | 'Unblock') =>
      ({ kind: 'confirmed', type, by: 'policy' }) as const;
    for (const type of ['Recover', 'Renew'] as const) {
      expect(cardToRetire(read(type), request, null)).toEqual({ smartcardUuid: OLD, source: 'request' });
      expect(cardToRetire(read(type), request, CHOSEN)).toEqual({ smartcardUuid: CHOSEN, source: 'operator' });
    }
    expect(cardToRetire(read('Enroll'), request, null)).toBeNull();
    expect(cardToRetire(read('Enroll'), request, CHOSEN)).toEqual({ smartcardUuid: CHOSEN, source: 'operator' });
    for (const type of ['RecoverOnBehalf', 'Duplicate', 'TemporaryCardEnroll', 'Unblock'] as const) {
      expect(cardToRetire(read(type), request, null)).toBeNull();
      expect(cardToRetire(read(type), request, CHOSEN)).toBeNull();
    }
  });

  it('reads only 1 and 5 as documented; other numbers are unconfirmed until policy confirms them, and never retire by themselves', () => {
    expect(readRequestType('Enroll', {})).toEqual({ kind: 'confirmed', type: 'Enroll', by: 'documented' });
    expect(readRequestType('Unblock', {})).toEqual({ kind: 'confirmed', type: 'Unblock', by: 'documented' });
    expect(readRequestType('Renew', {})).toEqual({ kind: 'confirmed', type: 'Renew', by: 'name' });
    const unconfirmed = readRequestType('Unknown(3)', {});
    expect(unconfirmed).toEqual({ kind: 'unconfirmed', raw: '3', number: 3, likely: 'Renew' });
    expect(requestTypeLabel(unconfirmed)).toBe('Unconfirmed type (3, Renew?)');
    expect(requestTypeLabel(readRequestType('Unknown(42)', {}))).toBe('Unconfirmed type (42)');
    expect(bindabilityOf(unconfirmed)).toEqual({ ok: true, needsAcknowledgement: true });
    expect(cardToRetire(unconfirmed, { oldSmartcardUuid: OLD }, null)).toBeNull();
    expect(readRequestType('Unknown(3)', { '3': 'Renew' })).toEqual({ kind: 'confirmed', type: 'Renew', by: 'policy' });
    expect(readRequestType('Unknown(TemporaryThing)', {})).toMatchObject({ kind: 'unconfirmed', number: null, likely: null });
  });

  it('an unconfirmed number whose likely name acts on an existing card (4, 7, 9, 10) is refused like the confirmed type', () => {
    expect(NEVER_BOUND_TYPE_NUMBERS).toEqual([4, 5, 7, 9, 10]);
    for (const n of [4, 7, 9, 10]) {
      const result = bindabilityOf(readRequestType(`Unknown(${n})`, {}));
      expect(result.ok, String(n)).toBe(false);
    }
    expect(bindabilityOf(readRequestType('Unknown(7)', {}))).toEqual({ ok: false, reason: 'Retire? retires an existing card; no new card is bound to it' });
    for (const n of [2, 3, 6, 8, 11, 42]) expect(bindabilityOf(readRequestType(`Unknown(${n})`, {}))).toEqual({ ok: true, needsAcknowledgement: true });
  });

  it('validates requestTypeNumbers like every key: numbers to known names, 1 and 5 fixed', () => {
    expect(requestTypeNumbersSchema.safeParse({ '2': 'Recover', '1': 'Enroll' }).success).toBe(true);
    expect(requestTypeNumbersSchema.safeParse({ '1': 'Renew' }).success).toBe(false);
    expect(requestTypeNumbersSchema.safeParse({ x: 'Renew' }).success).toBe(false);
    expect(requestTypeNumbersSchema.safeParse({ '2': 'Replace' }).success).toBe(false);
    expect(requestTypeNumbersSchema.safeParse({ '2': 'None' }).success).toBe(false);
  });
});

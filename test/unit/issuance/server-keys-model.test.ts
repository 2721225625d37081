import { describe, expect, it } from 'vitest';
import type { IssuanceRecord } from '../../../src/main/issuance/records';
import type { Fault } from './fakes';
import { expectSameEndWithProgressLost, faultCases, settle, USER_PIN, World } from './harness';

/**
 * model.test.ts's sweep for a template with a key CM generates (a logon key made on the card, an
 * encryption key in a PFX): a crash, a pulled card or a CM cut at every call, before and after it,
 * then resumed until it settles. Every run ends done (the imported key and its certificate in 9D) or
 * needing a person (a crash that lost the in-memory pfxpassword before the import among them);
 * certificatedata reaches CM at most once, and the password never reaches the disk. The same sweep
 * runs for a template that also recovers two earlier keys (key history, into retired slots 82 and 83).
 * A crash runs twice, with the unflushed progress records kept and lost: the end must be the same.
 */
function world(): World {
  const w = new World();
  w.cm.behaviour.options = [w.cm.behaviour.options[0]!];
  w.cm.behaviour.serverKeys = [1];
  return w;
}

const { trace, cases } = await faultCases(world);

/**
 * One fault of the sweep, resumed until settled: what holds whatever the end is (the same end with the
 * progress records lost, certificatedata at most once, the pfxpassword never on disk).
 */
async function settleUnder(make: () => World, fault: Fault): Promise<{ w: World; result: IssuanceRecord }> {
  const w = make();
  w.faults.fault = fault;
  const result = await settle(w);
  if (fault.kind === 'crash') await expectSameEndWithProgressLost(make, fault, result);
  expect(w.cm.certificateCalls).toBeLessThanOrEqual(1);
  for (const password of w.cm.pfxPasswords) expect(JSON.stringify(w.disk)).not.toContain(password);
  return { w, result };
}

describe('a key CM generates, under faults at every step', () => {
  it('the clean run imports the key', () => {
    expect(trace).toContain('card.importKey');
  });

  it.each(cases)('fault at call %i (%s) %s, %s: done with the key in 9D, or needing a person', async (at, _name, when, kind) => {
    const { w, result } = await settleUnder(world, { at, when, kind });
    if (result.phase === 'failed') {
      expect(result.error?.code).toBe('ISSUANCE_NEEDS_PERSON');
      return;
    }
    expect(result.phase).toBe('done');
    expect([...w.card.certificates.keys()].sort()).toEqual(['9a', '9d']);
    expect(w.card.keys.get('9d')!.publicKey.toString()).toBe(`imported:${Buffer.from('server-key-0').toString('hex')}`);
    expect(JSON.parse(w.card.certificates.get('9d')!.toString())).toMatchObject({ serial: '500' });
    expect(w.card.pin).toBe(USER_PIN);
  });
});

function historyWorld(): World {
  const w = world();
  w.cm.behaviour.keyHistory = ['pfx', 'pfx'];
  return w;
}

const { trace: historyTrace, cases: historyCases } = await faultCases(historyWorld);

describe('earlier keys CM recovers (key history), under faults at every step', () => {
  it('the clean run imports three keys and writes the Key History object', () => {
    expect(historyTrace.filter((c) => c === 'card.importKey')).toHaveLength(3);
    expect(historyTrace).toContain('card.putKeyHistory');
  });

  it.each(historyCases)('fault at call %i (%s) %s, %s: done with 82 and 83 counted, or needing a person', async (at, _name, when, kind) => {
    const { w, result } = await settleUnder(historyWorld, { at, when, kind });
    if (result.phase === 'failed') {
      expect(result.error?.code).toBe('ISSUANCE_NEEDS_PERSON');
      // Never reported done with a retired slot half written.
      expect(result.steps.find((s) => s.step === 'complete')?.status).not.toBe('done');
      return;
    }
    expect(result.phase).toBe('done');
    expect([...w.card.certificates.keys()].sort()).toEqual(['82', '83', '9a', '9d']);
    expect(result.writes.map((write) => [write.slot, write.state])).toEqual([
      ['9a', 'written'],
      ['9d', 'written'],
      ['82', 'written'],
      ['83', 'written'],
    ]);
    expect(w.card.keys.get('82')!.publicKey.toString()).toBe(`imported:${Buffer.from('history-key-0').toString('hex')}`);
    expect(w.card.keys.get('83')!.publicKey.toString()).toBe(`imported:${Buffer.from('history-key-1').toString('hex')}`);
    expect(w.card.keyHistory).toEqual({ onCardCertificates: 2, offCardCertificates: 0 });
    expect(w.card.pin).toBe(USER_PIN);
  });
});

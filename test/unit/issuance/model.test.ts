import { describe, expect, it } from 'vitest';
import { FACTORY_PUK } from '../../../src/main/issuance/pin';
import type { IssuanceRecord } from '../../../src/main/issuance/records';
import { expectSameEndWithProgressLost, faultCases, settle, USER_PIN, World } from './harness';

/**
 * Kill, pull or cut CM at every call: each card APDU-level call, each CM call and each journal
 * commit, before it acts (nothing happened) and after it (it happened, the answer was lost). Then
 * resume, as the station does when the card is back, CM answers or the process restarts, until
 * the issuance settles. Every run must end done or "needs a person", with certificatedata reaching
 * CM at most once, and a done card must really be issued. A crash runs twice: once with the
 * progress records written since the last durable one kept by the disk, once with them lost
 * (runner.ts "Two kinds of record"); losing them must never change how the issuance ends.
 */
const { trace, cases } = await faultCases(() => new World());

describe('issuance under faults at every step', () => {
  it('the clean run makes every kind of call the fault matrix needs', () => {
    for (const name of [
      'card.generateKey',
      'card.putCertificate',
      'card.setManagementKey',
      'card.change-pin',
      'card.change-puk',
      'cm.certificatedata',
      'cm.setRequestStatus',
      'commit',
    ]) {
      expect(trace).toContain(name);
    }
  });

  it('a crash that loses the progress after a GENERATE resumes from the last durable record and generates that key again', async () => {
    const at = trace.indexOf('commit', trace.indexOf('card.generateKey'));
    const world = new World();
    world.crashLosesProgress = true;
    world.faults.fault = { at, when: 'after', kind: 'crash' };
    expect(await world.run()).toBe('crashed');
    // The record with the first public key was written but not yet flushed: gone with the crash.
    expect(world.disk.keys.every((key) => key.publicKey === null)).toBe(true);
    const result = await settle(world);
    expect(result.phase).toBe('done');
    expect(world.faults.calls.filter((name) => name === 'card.generateKey').length).toBe(trace.filter((name) => name === 'card.generateKey').length + 1);
  });

  it.each(cases)('fault at call %i (%s) %s, %s: ends done or needing a person; certificatedata at most once', async (at, _name, when, kind) => {
    const world = new World();
    world.faults.fault = { at, when, kind };
    const result = await settle(world);
    if (kind === 'crash') {
      const lossy = await expectSameEndWithProgressLost(() => new World(), { at, when, kind }, result);
      expect(lossy.card.pin).toBe(world.card.pin);
    }
    expect(world.cm.certificateCalls).toBeLessThanOrEqual(1);
    if (result.phase === 'failed') {
      expect(result.error?.code).toBe('ISSUANCE_NEEDS_PERSON');
      return;
    }
    expect(result.phase).toBe('done');
    expect(world.cm.certificateCalls).toBe(1);
    expect(world.cm.request.status).toBe('Completed');
    expect([...world.card.certificates.keys()].sort()).toEqual(['9a', '9c']);
    for (const [slot, der] of world.card.certificates) {
      const cert = JSON.parse(der.toString()) as { publicKey: string };
      expect(Buffer.from(cert.publicKey, 'base64').equals(world.card.keys.get(slot)!.publicKey), `certificate in ${slot} matches its key`).toBe(true);
    }
    expect(world.card.pin).toBe(USER_PIN);
    expect(world.card.puk).not.toBe(FACTORY_PUK);
  });
});

/**
 * The same sweep when CM's answer carries a key-history certificate without its key (no Pfx): no run
 * may end done, and none may leave a certificate on the card or the request Completed (a person
 * executes it in CM's own client); certificatedata still reaches CM at most once.
 */
const keylessWorld = () => {
  const world = new World();
  world.cm.behaviour.keyHistory = ['no-key'];
  return world;
};
const { clean: keyless, cases: keylessCases } = await faultCases(keylessWorld);

/** As `settle`; a run whose last commit (the failure itself) hit a disk error rejects, and the service runs it again later. */
async function settleThroughDiskErrors(world: World): Promise<IssuanceRecord> {
  for (let run = 0; run < 6; run++) {
    const result = await world.run().catch((err: unknown) => {
      if ((err as { code?: string }).code !== 'STORAGE_IO') throw err;
      return 'disk-error' as const;
    });
    if (result === 'crashed' || result === 'disk-error') continue;
    if (result.phase === 'done' || result.phase === 'failed') return result;
  }
  throw new Error(`did not settle: ${JSON.stringify(world.disk.phase)} ${JSON.stringify(world.disk.error)}`);
}

describe('key history without its key, under faults at every step', () => {
  it('the clean run needs a person after certificatedata, with nothing written', () => {
    expect(keyless.disk.error).toMatchObject({ code: 'ISSUANCE_NEEDS_PERSON', params: { reason: 'key-history-without-key' } });
    expect(keyless.faults.calls).toContain('cm.certificatedata');
    expect(keyless.faults.calls).not.toContain('card.putCertificate');
  });

  it.each(keylessCases)('fault at call %i (%s) %s, %s: needs a person, no certificate on the card, not Completed', async (at, _name, when, kind) => {
    const world = keylessWorld();
    world.faults.fault = { at, when, kind };
    const result = await settleThroughDiskErrors(world);
    expect(result.phase).toBe('failed');
    expect(result.error?.code).toBe('ISSUANCE_NEEDS_PERSON');
    expect(world.cm.certificateCalls).toBeLessThanOrEqual(1);
    expect(world.card.certificates.size).toBe(0);
    expect(world.card.keyHistory).toBeNull();
    expect(world.cm.request.status).not.toBe('Completed');
  });
});

import { describe, expect, it } from 'vitest';
import type { IssuanceRecord } from '../../../src/main/issuance/records';
import type { FaultKind } from './fakes';
import { USER_PIN, World } from './harness';

/**
 * model.test.ts's sweep for a template with a key CM generates (a logon key made on the card, an
 * encryption key in a PFX): a crash, a pulled card or a CM cut at every call, before and after it,
 * then resumed until it settles. Every run ends done (the imported key and its certificate in 9D) or
 * needing a person (a crash that lost the in-memory pfxpassword before the import among them);
 * certificatedata reaches CM at most once, and the password never reaches the disk. A crash runs
 * twice, with the unflushed progress records kept and lost: the end must be the same.
 */
function world(): World {
  const w = new World();
  w.cm.behaviour.options = [w.cm.behaviour.options[0]!];
  w.cm.behaviour.serverKeys = [1];
  return w;
}

const clean = world();
await clean.run();
const trace = clean.faults.calls;

const cases: Array<[number, string, 'before' | 'after', FaultKind]> = [];
for (const [at, name] of trace.entries()) {
  for (const when of ['before', 'after'] as const) for (const kind of ['crash', 'transient'] as const) cases.push([at, name, when, kind]);
}

async function settle(w: World): Promise<IssuanceRecord> {
  for (let run = 0; run < 6; run++) {
    const result = await w.run();
    if (result === 'crashed') continue;
    if (result.phase === 'done' || result.phase === 'failed') return result;
  }
  throw new Error(`did not settle: ${JSON.stringify(w.disk.phase)} ${JSON.stringify(w.disk.error)}`);
}

describe('a key CM generates, under faults at every step', () => {
  it('the clean run imports the key', () => {
    expect(trace).toContain('card.importKey');
  });

  it.each(cases)('fault at call %i (%s) %s, %s: done with the key in 9D, or needing a person', async (at, _name, when, kind) => {
    const w = world();
    w.faults.fault = { at, when, kind };
    const result = await settle(w);
    if (kind === 'crash') {
      const lossy = world();
      lossy.crashLosesProgress = true;
      lossy.faults.fault = { at, when, kind };
      const lossyResult = await settle(lossy);
      expect(lossy.cm.certificateCalls).toBeLessThanOrEqual(1);
      expect({ phase: lossyResult.phase, code: lossyResult.error?.code }, 'the same end with the progress records lost').toEqual({
        phase: result.phase,
        code: result.error?.code,
      });
    }
    expect(w.cm.certificateCalls).toBeLessThanOrEqual(1);
    for (const password of w.cm.pfxPasswords) expect(JSON.stringify(w.disk)).not.toContain(password);
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

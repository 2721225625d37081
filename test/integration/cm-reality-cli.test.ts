// Issue #9 through the CLI on the real PC/SC stack (pcscd + vpcd + a virtual PIV card), against the
// strict CM simulator: every case of "Done when". Wire numbers are written from the docs (card
// Status 2 Assigned, 3 Active, 6 Retired), never taken from the station's own tables.
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { seedDirectory, seedGuid, startCmSimulator, type CmSimulator } from '../../src/main/training/cm-sim';
import { VPCD_READERS } from '../support/pcsc-stack';
import { insertCard, type VirtualCard } from '../support/vcard';
import { PIV_CARD, PIV_CARD_CM_GUID } from '../support/vcard/catalog';
import { testTempDir } from '../support/temp-dir';

const repoRoot = join(import.meta.dirname, '..', '..');
const READER = VPCD_READERS[0].name;
const EXAMPLE_UNBLOCK = '0c96d73f-967b-420e-854a-43ad2a1504bc';
const RECOVER_CHEN = seedGuid('request/recover-chen');
const CHEN_CARD = seedGuid('smartcard/chen-1');
const ENROLL_ALICE = seedGuid('request/enroll-alice');
const EARLIER_LIFE = seedGuid('smartcard/vpcd-piv-earlier-life');

let sim: CmSimulator;
let card: VirtualCard | null = null;

beforeAll(async () => {
  // The virtual PIV card had an earlier life in CM: a Retired record under another Uuid.
  const seed = seedDirectory();
  seed.smartcards.push({
    ...seed.smartcards[0]!,
    Uuid: EARLIER_LIFE,
    Status: 6,
    AssignedUserUuid: seedGuid('user/dana'),
    SerialNumber: `{${PIV_CARD_CM_GUID}}`,
  });
  sim = await startCmSimulator({ host: '127.0.0.1', port: 0, seed });
});
afterAll(() => sim.close());
beforeEach(async () => {
  await sim.admin.reset();
  card = await insertCard({ reader: 0, ...PIV_CARD });
});
afterEach(async () => {
  await card?.remove();
  card = null;
});

interface Run {
  code: number | null;
  json: { exitCode: number; message: string; result: unknown };
}

function station(args: string[], dir: string, policy: unknown = null): Promise<Run> {
  const policyFile = join(dir, 'policy.json');
  writeFileSync(policyFile, JSON.stringify(policy ?? {}));
  const argv = [
    '--import',
    'tsx',
    join(repoRoot, 'src/main/cli/station.ts'),
    ...args,
    '--cm-url',
    sim.baseUrl,
    '--data-dir',
    dir,
    '--policy',
    policyFile,
    '--json',
  ];
  return new Promise((resolve, reject) => {
    execFile(process.execPath, argv, { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 }, (err, stdout, stderr) => {
      try {
        resolve({ code: err ? ((err as { code?: number }).code ?? null) : 0, json: JSON.parse(stdout) as Run['json'] });
      } catch {
        reject(new Error(`station ${args.join(' ')}: no JSON on stdout (${stderr.slice(0, 500)})`));
      }
    });
  });
}
const fresh = () => testTempDir('cli-cm-reality-');
const sent = (method: 'POST' | 'PUT') => sim.admin.received().filter((r) => r.method === method);
// A machine policy document: top-level keys are IT's mandatory values.
const confirmed = { requestTypeNumbers: { '2': 'Recover', '3': 'Renew' } };

describe('station CLI on the real PC/SC stack against a strict CM', () => {
  it('an Approved Unblock is refused with exit 2 and nothing is sent', async () => {
    const run = await station(['bind', '--reader', READER, '--request', EXAMPLE_UNBLOCK, '--accept-unconfirmed-type'], fresh(), confirmed);
    expect(run.code).toBe(2);
    expect(run.json.result).toMatchObject({ error: { code: 'REQUEST_TYPE_NOT_BINDABLE' } });
    expect([...sent('POST'), ...sent('PUT')]).toEqual([]);
  });

  it('an unconfirmed type is refused without --accept-unconfirmed-type; with it, bound and nothing retired', async () => {
    const dir = fresh();
    const refused = await station(['bind', '--reader', READER, '--request', RECOVER_CHEN], dir);
    expect(refused.code).toBe(2);
    expect(refused.json.result).toMatchObject({ error: { code: 'REQUEST_TYPE_UNCONFIRMED' } });
    // Issue #17, part 2: the refusal and the acknowledgement name the likely type.
    expect(refused.json.message).toMatch(/type number 2 \(likely Recover\)/);
    expect(sent('POST')).toEqual([]);
    const accepted = await station(['bind', '--reader', READER, '--request', RECOVER_CHEN, '--accept-unconfirmed-type'], dir);
    expect(accepted.code, accepted.json.message).toBe(0);
    expect(accepted.json.message).toMatch(/Acknowledged for this request: Unconfirmed type \(2, Recover\?\)/);
    expect(accepted.json.result).toMatchObject({ bind: { state: 'done' }, retire: null });
    expect(sent('PUT')).toEqual([]);
    expect(sim.admin.state().smartcards.find((c) => c.Uuid === CHEN_CARD)?.Status).toBe(3);
  });

  it('a refused bind needs attention after 3 verified attempts (exit 3), never done, and is not sent a 4th time', async () => {
    sim.admin.setFaults([{ fault: { kind: 'refusal', status: 500, message: 'Une erreur s’est produite.' }, route: 'POST /smartcards' }]);
    const dir = fresh();
    const first = await station(['bind', '--reader', READER, '--request', ENROLL_ALICE], dir, confirmed);
    expect(first.code).toBe(4);
    expect(first.json.message).toMatch(/sent again later/);
    expect((await station(['outbox', 'replay'], dir)).code).toBe(4);
    const third = await station(['outbox', 'replay'], dir);
    expect(third.code).toBe(3);
    expect(third.json.result).toMatchObject([
      { kind: 'bind', state: 'needs-attention', refusals: 3, result: null, lastError: { code: 'CM_REFUSED', serverMessage: 'Une erreur s’est produite.' } },
    ]);
    expect((await station(['outbox', 'replay'], dir)).code).toBe(3);
    expect(sent('POST')).toHaveLength(3);
  });

  it('a re-used card whose POST was dropped is bound under a new record, not settled by its Retired one', async () => {
    sim.admin.setFaults([{ fault: { kind: 'connection-reset' }, route: 'POST /smartcards', times: 1 }]);
    const dir = fresh();
    expect((await station(['bind', '--reader', READER, '--request', ENROLL_ALICE], dir, confirmed)).code).toBe(4);
    const replay = await station(['outbox', 'replay'], dir);
    expect(replay.code, replay.json.message).toBe(0);
    const records = sim.admin.state().smartcards.filter((c) => c.SerialNumber === `{${PIV_CARD_CM_GUID}}`);
    expect(records.map((c) => c.Status)).toEqual([6, 2]);
    expect(replay.json.result).toMatchObject([{ kind: 'bind', state: 'done', result: { smartcardUuid: records[1]!.Uuid } }]);
    expect(records[1]!.Uuid).not.toBe(EARLIER_LIFE);
    expect(sent('POST')).toHaveLength(2);
  });

  it('the replaced card’s retire is held until the new card is Active; then retired once; again is done', async () => {
    const dir = fresh();
    const bound = await station(['bind', '--reader', READER, '--request', RECOVER_CHEN], dir, confirmed);
    expect(bound.code, bound.json.message).toBe(0);
    expect(bound.json.message).toMatch(/retired once the new one is Active/);
    const listed = await station(['outbox', 'list'], dir);
    const newCard = sim.admin.state().requests.find((r) => r.Uuid === RECOVER_CHEN)!.NewSmartcardUuid;
    expect(listed.json.result).toMatchObject([
      { kind: 'bind', state: 'done' },
      { kind: 'retire', state: 'pending', waitingFor: { kind: 'new-card-active', newSmartcardUuid: newCard, lastStatus: 'Assigned' } },
    ]);
    expect(sent('PUT')).toEqual([]);
    expect(sim.admin.state().smartcards.find((c) => c.Uuid === CHEN_CARD)?.Status).toBe(3);

    expect(await sim.admin.activate(newCard)).toBe(true);
    const replay = await station(['outbox', 'replay'], dir);
    expect(replay.code).toBe(0);
    expect(sent('PUT')).toHaveLength(1);
    // Default retire route (issue #17, part 3): under the Retire request created for the card
    // (create-request.md; RequestType 7 in the simulator, an inference; Completed 8 afterwards).
    const retireRequest = sim.admin.state().requests.find((r) => r.OldSmartcardUuid === CHEN_CARD && r.RequestType === 7);
    expect(retireRequest).toMatchObject({ Status: 8 });
    expect(sent('PUT')[0]?.path).toContain(`requests/${retireRequest?.Uuid ?? ''}/smartcards/${CHEN_CARD}`);
    expect(sim.admin.state().smartcards.find((c) => c.Uuid === CHEN_CARD)?.Status).toBe(6);

    // Retiring the already-Retired card again: the card is read first; Retired (6) is done, no repeat PUT.
    const again = await station(['retire', '--request', RECOVER_CHEN, '--smartcard', CHEN_CARD], dir);
    expect(again.code, again.json.message).toBe(0);
    expect(again.json.result).toMatchObject({ state: 'done', waitFor: null });
    expect(sent('PUT')).toHaveLength(1);
  });

  it('"outbox retire-now" needs --confirm, then retires a held card at once', async () => {
    const dir = fresh();
    expect((await station(['bind', '--reader', READER, '--request', RECOVER_CHEN], dir, confirmed)).code).toBe(0);
    const listed = await station(['outbox', 'list'], dir);
    const retire = (listed.json.result as Array<{ id: string; kind: string }>).find((op) => op.kind === 'retire')!;
    expect((await station(['outbox', 'retire-now', '--id', retire.id], dir)).code).toBe(2);
    expect(sent('PUT')).toEqual([]);
    const now = await station(['outbox', 'retire-now', '--id', retire.id, '--confirm'], dir);
    expect(now.code, now.json.message).toBe(0);
    expect(sim.admin.state().smartcards.find((c) => c.Uuid === CHEN_CARD)?.Status).toBe(6);
  });
});

import { StationError } from '../../shared/errors';
import { isRetiredSlot, RETIRED_SLOTS, type CertificateSlot, type IssuanceStep, type PinRules, type PivSlot, type RetiredSlot } from '../../shared/issuance';
import { ADMIN_KEY_BYTES, type CmSmartcardConfiguration, type ExecutionIds } from '../cm';
import type { FlushWhen } from '../journal';
import type { PivSession } from '../pcsc';
import { formatCmGuid } from '../pcsc';
import { asStationError, certainlyNotSent, classifyFailure, CM_ANSWERED_NO, needsPerson } from './classify';
import { FACTORY_PIN, FACTORY_PUK, pinRulesOf, randomPuk, usesServerPin } from './pin';
import type { CertificateAnswerEntry, IssuancePorts } from './ports';
import { stepStatus, type IssuanceRecord, type RecordedKey } from './records';

/**
 * One run of an issuance, from wherever its record stands to done, paused or failed
 * (desk-issuance.md "The REST flow", shared/issuance.ts ISSUANCE_STEPS). Every step records its
 * intent before it acts on the card or CM and its result right after, so a run killed anywhere
 * resumes from the journal: idempotent card steps are simply done again (GENERATE into the same
 * slot) or read back (a certificate written), and `certificatedata` is never sent twice after an
 * unknown outcome.
 *
 * Two kinds of record (journal AppendOptions): `commit` is on disk before the run goes on; it comes
 * before every act that must not be repeated blindly (the admin key change, certificatedata, a key
 * import, a PIN or PUK change), right after CM's certificates arrive, and before any end the
 * operator is told of. `progress` (a step started, a key generated, a CSR signed, a certificate
 * written) is written at once but reaches the disk with the next `commit`: a crash may lose it, and
 * the resumed run then redoes that idempotent work from the last commit. An issuance thus pays six
 * disk flushes instead of about twenty-five (bench/issuance.ts), with the same outcomes under a
 * crash at any point (test/unit/issuance/model.test.ts crashes with and without the progress kept).
 */
export interface RunContext {
  ports: IssuancePorts;
  /** Durable first (the journal), then visible; 'with-next': a progress record a crash may lose. */
  commit(record: IssuanceRecord, flush: FlushWhen): Promise<void>;
  now(): Date;
  randomBytes(size: number): Buffer;
  /** In memory only, never journaled: the request's pfxpassword, made when certificatedata is sent. */
  pfxPasswords: Map<string, string>;
  /** The hand-over screen: resolves with the PIN the user typed (twice, checked against the rules). */
  askPin(requestId: string, rules: PinRules): Promise<string>;
  /** CM's proposed PIN is on the screen; resolves once the operator says it was seen. */
  showPin(requestId: string, pin: string): Promise<void>;
  /** The operator asked to cancel: honoured at the next safe point (before certificatedata is sent). */
  cancelRequested(requestId: string): boolean;
  /** Each step's start and end, for the audit trail and the screen's timing. */
  onStep?(record: IssuanceRecord, step: IssuanceStep): void;
  /** Card activation check: how many reads of the card record, how far apart. */
  activation: { polls: number; intervalMs: number };
  sleep(ms: number): Promise<void>;
}

/** Why a run stopped before the end on purpose (not a failure). */
class Canceled extends Error {}

const COMMENT = 'Issued at the desk by Enrollment Station';

export async function runIssuance(ctx: RunContext, start: IssuanceRecord): Promise<IssuanceRecord> {
  let rec = start;
  const nowIso = () => ctx.now().toISOString();
  const ids = (): ExecutionIds => ({ requestId: rec.requestId, smartcardUuid: rec.smartcardUuid, cardId: rec.cardId, atr: rec.atr });
  const { cm, card, records, pki } = ctx.ports;

  /**
   * A step's end waits for the next record to be journaled with it (the next step's start, or the
   * run's end): nothing acts on the card or CM in between, so one flush serves both, and a crash in
   * between resumes exactly as one right after the next step's start would (that step is redone).
   */
  let ended: { step: IssuanceStep; status: 'done' | 'skipped'; at: string } | null = null;

  /** Steps with the waiting end applied: what the next record says, and what a failure looks at. */
  const stepsNow = () => (ended === null ? rec.steps : withStatus(rec.steps, ended.step, ended.status, ended.at));

  type Patch = Partial<IssuanceRecord> | ((steps: IssuanceRecord['steps']) => Partial<IssuanceRecord>);
  /** On disk before the run goes on. */
  const commit = (patch: Patch) => record(patch, 'now');
  /** Written now, on disk with the next commit: only where a lost record means idempotent work redone. */
  const progress = (patch: Patch) => record(patch, 'with-next');

  async function record(patch: Patch, flush: FlushWhen): Promise<void> {
    const closing = ended;
    const steps = stepsNow();
    const next = { ...rec, steps, ...(typeof patch === 'function' ? patch(steps) : patch), updatedAt: nowIso() };
    await ctx.commit(next, flush);
    rec = next;
    ended = null;
    if (closing !== null) ctx.onStep?.(rec, closing.step);
  }

  async function mark(step: IssuanceStep, status: 'running' | 'done' | 'skipped' | 'failed'): Promise<void> {
    // A step's start or failure is progress: the run's own end (a commit) follows a failure.
    await progress((steps) => ({ steps: withStatus(steps, step, status, nowIso()) }));
    ctx.onStep?.(rec, step);
  }

  /** Runs `body` as `step` unless it is already done; the step is `running` on disk first. */
  async function step(name: IssuanceStep, body: () => Promise<'done' | 'skipped'>): Promise<void> {
    const recorded = stepStatus(rec, name);
    if (recorded === 'done' || recorded === 'skipped') return;
    await mark(name, 'running');
    const status = await body();
    ended = { step: name, status, at: nowIso() };
  }

  /** Safe points: before certificatedata is sent, between steps that leave the card consistent. */
  function safePoint(): void {
    const sent = rec.certificateData.state === 'sending' || rec.certificateData.state === 'answered';
    if (!sent && ctx.cancelRequested(rec.requestId)) throw new Canceled();
  }

  // --- CM's word on the request ---------------------------------------------------------------------
  async function checkRequest(): Promise<void> {
    const request = await records.getRequest(rec.requestId);
    if (request === null) throw needsPerson('CM no longer shows this request.', { requestId: rec.requestId });
    // The bind was proven by the outbox; the request itself must name this card (get-request.md: NewSmartcardUuid).
    if (request.newSmartcardUuid !== rec.smartcardUuid) {
      throw needsPerson('CM shows another card on this request than the one the station bound.', {
        requestId: rec.requestId,
        expected: rec.smartcardUuid,
        found: request.newSmartcardUuid,
      });
    }
    const issued = rec.certificateData.state === 'answered';
    if (!issued && request.status !== 'Approved' && request.status !== 'Executing') {
      throw needsPerson(`The request is ${request.status} in CM: it can no longer be executed.`, { requestId: rec.requestId, status: request.status });
    }
  }

  // --- the card ------------------------------------------------------------------------------------
  async function checkCard(session: PivSession): Promise<void> {
    const guid = await session.readChuidGuid();
    const found = guid === null ? null : formatCmGuid(Buffer.from(guid, 'hex'));
    if (found !== rec.cardId) {
      throw new StationError('ISSUANCE_WRONG_CARD', 'A different card is in the reader: put back the card this issuance started on. Nothing was written.', {
        reader: rec.reader,
        expectedCardId: rec.cardId,
        foundCardId: found,
      });
    }
  }

  /** Single 9B authentication answered by CM (`authenticationresponse`): desk-issuance.md "Facts that bite". */
  async function authenticate(session: PivSession, diversified: boolean): Promise<void> {
    const challenge = await session.adminChallenge();
    const response = await cm.getAuthenticationResponse(ids(), challenge, diversified);
    await session.adminRespond(response);
  }

  /**
   * Authenticates with the key the journal says the card holds. 'changing' (SET MANAGEMENT KEY may
   * or may not have happened): the diversified key first, then the default one; the one that
   * works is recorded. A YubiKey's 9B has no retry counter, so the extra try costs nothing.
   */
  async function authenticateAny(session: PivSession): Promise<void> {
    const order: boolean[] = rec.adminKey === 'diversified' ? [true] : rec.adminKey === 'default' ? [false] : [true, false];
    for (const [i, diversified] of order.entries()) {
      try {
        await authenticate(session, diversified);
        // Lost in a crash, 'changing' stays: the next run tries both keys again.
        if (rec.adminKey === 'changing') await progress({ adminKey: diversified ? 'diversified' : 'default' });
        return;
      } catch (err) {
        if (asStationError(err).code !== 'PIV_ADMIN_AUTH_FAILED' || i === order.length - 1) throw err;
      }
    }
  }

  async function installDiversifiedKey(session: PivSession, config: CmSmartcardConfiguration): Promise<'done' | 'skipped'> {
    if (!config.diversifyAdminKey) return 'skipped';
    if (rec.adminKey === 'diversified') return 'done';
    const key = await cm.getDiversifiedKey(ids());
    if (key.length !== ADMIN_KEY_BYTES) {
      throw new StationError('CM_MALFORMED_RESPONSE', `CM's diversified admin key is ${key.length} bytes; a 3DES key is ${ADMIN_KEY_BYTES}.`, {
        length: key.length,
      });
    }
    await commit({ adminKey: 'changing' });
    // Written exactly as received (the page's sample has DES parity on every byte).
    await session.setManagementKey(key);
    await progress({ adminKey: 'diversified' });
    await authenticate(session, true);
    return 'done';
  }

  async function planKeys(): Promise<void> {
    if (rec.options !== null) return;
    const options = await cm.getCertificateRequestGenerationOptions(rec.requestId);
    if (options.length === 0) throw needsPerson('CM asks for no certificate on this request: there is nothing to issue.', { requestId: rec.requestId });
    const slots = pki.slotsFor(options);
    const keys: RecordedKey[] = options.map((option, i) => ({ option: i, slot: slots[i]!, algorithm: pki.algorithmFor(option), publicKey: null, csr: null }));
    const recorded = options.map(({ subject, keyAlgorithmName, keySize, friendlyName, hashAlgorithmName, exportable, keyUsages }) => ({
      subject,
      keyAlgorithmName,
      keySize,
      friendlyName,
      hashAlgorithmName,
      exportable,
      keyUsages,
    }));
    // Progress: a run resumed without it asks CM again and plans the same slots (pki.slotsFor), so
    // keys generated meanwhile are generated again in place.
    await progress({ options: recorded, keys });
  }

  async function generateKeys(session: PivSession): Promise<'done'> {
    await planKeys();
    for (const key of rec.keys) {
      if (key.publicKey !== null) continue;
      const publicKey = pki.normalisePublicKey(await session.generateKey(key.slot, key.algorithm));
      await progress({ keys: rec.keys.map((k) => (k.slot === key.slot ? { ...k, publicKey: publicKey.toString('base64'), csr: null } : k)) });
    }
    return 'done';
  }

  async function signRequests(session: PivSession): Promise<'done'> {
    const options = rec.options ?? [];
    for (const key of rec.keys) {
      if (key.csr !== null || key.publicKey === null) continue;
      const option = options[key.option];
      if (option === undefined) throw new StationError('INTERNAL', 'The issuance record lost a certificate option.', { option: key.option });
      const csr = await pki.buildCertificationRequest({
        option,
        publicKey: Buffer.from(key.publicKey, 'base64'),
        algorithm: key.algorithm,
        sign: async (input) => {
          // 9C is PIN-always (the VERIFY right before each signature); 9A/9D need it once: done each time.
          if (key.slot !== '9e') await session.verifyPin(FACTORY_PIN);
          return session.sign(key.slot, key.algorithm, input);
        },
      });
      await progress({ keys: rec.keys.map((k) => (k.slot === key.slot ? { ...k, csr: csr.toString('base64') } : k)) });
    }
    return 'done';
  }

  async function requestCertificates(): Promise<'done'> {
    const data = rec.certificateData;
    if (data.state === 'answered') return 'done';
    if (data.state === 'sending') {
      // An unknown outcome: CM may have issued, and it keeps no GET for the answer. Never sent again.
      const request = await records.getRequest(rec.requestId).catch(() => {
        // Only to tell the person how CM shows the request; the answer is the same without it.
        return null;
      });
      throw needsPerson(
        'The station sent the certificate requests to CM but did not hear the answer. CM may have issued the certificates: ' +
          'a person must check the request in CM (the station will not ask CM for them twice).',
        { requestId: rec.requestId, requestStatus: request?.status ?? 'unknown' },
      );
    }
    safePoint();
    const attempt = data.state === 'refused' ? data.attempt + 1 : 1;
    // Protects the PFX of a key CM generates; in memory only, so a PFX on disk stays protected.
    const pfxPassword = ctx.randomBytes(18).toString('base64url');
    ctx.pfxPasswords.set(rec.requestId, pfxPassword);
    const before = rec.certificateData;
    await commit({ certificateData: { state: 'sending', at: nowIso(), attempt } });
    let raw: string;
    try {
      ({ raw } = await cm.postCertificateData({
        requestId: rec.requestId,
        certificateRequests: rec.keys.map((k) => k.csr ?? ''),
        pfxPassword,
        comments: COMMENT,
      }));
    } catch (err) {
      const e = asStationError(err);
      // Never left the PC: as if not sent.
      if (certainlyNotSent(e)) await commit({ certificateData: before });
      // CM answered with an error ("500 with a Message"): it refused in words, nothing to fetch later.
      else if (CM_ANSWERED_NO.has(e.code)) await commit({ certificateData: { state: 'refused', at: nowIso(), attempt, error: e.toPayload() } });
      // Otherwise 'sending' stays on disk: the next run says a person must check (above).
      else throw needsPerson('CM may have issued the certificates but its answer was lost: a person must check the request in CM.', { cause: e.code });
      throw e;
    }
    // The raw answer is on disk before anything reads it or writes the card.
    await commit({ certificateData: { state: 'answered', at: nowIso(), attempt, raw } });
    return 'done';
  }

  /** Which certificate goes where: matched to the card's keys by public key, never by order. */
  function planWrites(entries: CertificateAnswerEntry[]) {
    const failedEntry = entries.find((e) => e.kind === 'error');
    if (failedEntry?.kind === 'error') {
      throw needsPerson(`CM could not issue a certificate (${failedEntry.template ?? 'no template'}): ${failedEntry.message}`, {
        template: failedEntry.template,
      });
    }
    // Key history (get-certificate-responses.md: isKeyHistory "a key history certificate", isPfx/Pfx "the
    // PFX certificate blob", pfxpassword protects "any PFX results"): an earlier key of the user's that
    // CM recovered from the CA's archive. Only its key makes it worth a place on the card (it decrypts
    // what was sent to it); one without a key is not written at all, and nothing else is written either.
    const keyless = entries.find((e) => e.kind === 'key-history' && e.pfx === null);
    if (keyless !== undefined) {
      throw needsPerson(
        'CM returned an earlier (key history) certificate without its key, which the station cannot put to use on a card: execute the request in CM’s own client.',
        { reason: 'key-history-without-key', template: keyless.template },
      );
    }
    const history = entries.flatMap((entry, index) =>
      entry.kind === 'key-history' && entry.pfx !== null ? [{ index, pfx: entry.pfx, template: entry.template }] : [],
    );
    if (history.length > RETIRED_SLOTS.length) {
      throw needsPerson(`CM returned ${history.length} earlier (key history) keys; a PIV card has ${RETIRED_SLOTS.length} retired key slots.`, {
        reason: 'key-history-full',
        received: history.length,
      });
    }
    const issued = entries.filter((e) => e.kind === 'issued');
    if (issued.length !== rec.keys.length) {
      throw new StationError('ISSUANCE_CERTIFICATE_COUNT', `The card asked for ${rec.keys.length} certificates and CM returned ${issued.length}.`, {
        expected: rec.keys.length,
        received: issued.length,
      });
    }
    const writes: Array<{ slot: PivSlot; der: Buffer; summary: ReturnType<typeof summary> }> = [];
    for (const entry of issued) {
      const certified = pki.normalisePublicKey(entry.certificate.publicKey);
      const key = rec.keys.find((k) => k.publicKey !== null && Buffer.from(k.publicKey, 'base64').equals(certified));
      if (key === undefined) {
        throw new StationError('ISSUANCE_CERTIFICATE_NO_KEY', `CM returned a certificate (${entry.certificate.subject}) for a key that is not on this card.`, {
          subject: entry.certificate.subject,
          serialNumber: entry.certificate.serialNumber,
        });
      }
      if (writes.some((w) => w.slot === key.slot)) {
        throw new StationError('ISSUANCE_CERTIFICATE_COUNT', 'CM returned two certificates for the same key on this card.', { slot: key.slot });
      }
      writes.push({ slot: key.slot, der: entry.certificate.der, summary: summary(key.slot, entry.certificate, entry.template) });
    }
    // A server-generated key (get-certificate-responses.md: isServerGenerated, Pfx), by its index in the answer.
    const imports = entries.flatMap((entry, index) => (entry.kind === 'server-generated' ? [{ index, pfx: entry.pfx, template: entry.template }] : []));
    return { writes, imports, history };
  }

  /**
   * The slot for a key CM generated: the one its certificate's uses ask (desk-issuance.md "Slots":
   * decryption -> 9D Key Management), never one a key made on this card or an earlier import took;
   * otherwise the first free of 9A, 9D, 9C (as pki/slots.ts chooseSlots), never 9E.
   */
  function importSlot(keyUsages: number): PivSlot {
    const taken = new Set<CertificateSlot>([...rec.keys.map((k) => k.slot), ...rec.writes.map((w) => w.slot)]);
    const slot = [pki.preferredSlot(keyUsages), '9a' as const, '9d' as const, '9c' as const].find((candidate) => !taken.has(candidate));
    if (slot === undefined)
      throw needsPerson('CM generated a key for this card but every slot for a person’s key (9A, 9C, 9D) is already used.', { reason: 'no-slot' });
    return slot;
  }

  /**
   * The retired key management slot for a key-history key: the lowest of 82-95 no earlier key of this
   * run took (SP 800-73-4 part 1 §3.3.2: the Key History object counts the retired slots used from 82
   * upward, so they are filled without a gap). Those slots are for key management keys: a recovered key
   * whose certificate allows signing only has no place there, and a person decides.
   */
  function retiredSlot(keyUsages: number): RetiredSlot {
    // Signing only (no decryption or key agreement bit) is exactly what the PIV convention puts in 9C.
    if (pki.preferredSlot(keyUsages) === '9c') {
      throw needsPerson('CM recovered an earlier key whose certificate allows signing only; the retired slots hold decryption keys.', {
        reason: 'key-history-not-encryption',
      });
    }
    const taken = new Set<CertificateSlot>(rec.writes.map((w) => w.slot));
    const slot = RETIRED_SLOTS.find((candidate) => !taken.has(candidate));
    if (slot === undefined) throw needsPerson('Every retired key slot (82-95) of this card is already used.', { reason: 'key-history-full' });
    return slot;
  }

  async function markWritten(slot: CertificateSlot): Promise<void> {
    // Lost in a crash, the write is redone (the same bytes) or read back.
    await progress({ writes: rec.writes.map((w) => (w.slot === slot ? { ...w, state: 'written' as const } : w)) });
  }

  /**
   * A write found 'writing' (killed after its intent): the card may hold it already. The slot read
   * back and `isIt` say whether it does; if so it is recorded written and not done again.
   */
  async function foundWritten(session: PivSession, slot: CertificateSlot, isIt: (onCard: Buffer) => boolean): Promise<boolean> {
    const onCard = await session.readCertificate(slot);
    if (onCard === null || !isIt(onCard)) return false;
    await markWritten(slot);
    return true;
  }

  /**
   * One key CM made (server-generated) or recovered (key history): the PFX opened in memory with the
   * request's pfxpassword (never on disk), its key imported (YubiKey IMPORT) into its slot and its
   * certificate written there; the decoded key zeroed right after. The certificate is the PFX's own,
   * paired with the key inside the PFX by public key (pki/pfx.ts), never by order. Found 'writing' at
   * resume: the slot's certificate read back tells whether it is done (IMPORT comes before PUT DATA,
   * so its certificate there means its key is there).
   */
  async function importKey(
    session: PivSession,
    item: { index: number; pfx: string; template: string | null },
    slotFor: (keyUsages: number) => CertificateSlot,
  ): Promise<void> {
    const recorded = rec.writes.find((w) => w.imported && w.entry === item.index);
    if (recorded?.state === 'written') return;
    if (recorded?.state === 'writing') {
      const { serialNumber, issuer } = recorded.certificate;
      const sameCertificate = (onCard: Buffer) => {
        const facts = pki.describeCertificate(onCard);
        return facts.serialNumber === serialNumber && facts.issuer === issuer;
      };
      if (await foundWritten(session, recorded.slot, sameCertificate)) return;
    }
    const password = ctx.pfxPasswords.get(rec.requestId);
    if (password === undefined) {
      // The deliberate price of never storing the password (docs/deploying.md "Keys CM generates").
      throw needsPerson(
        'CM sent a key for this card, but the station stopped before importing it and the PFX password was kept in memory only: ' +
          'the key cannot be opened again. A person must have CM recover the key or issue the request again.',
        { reason: 'pfx-password-lost', template: item.template },
      );
    }
    const opened = pki.openPfx(item.pfx, password);
    try {
      const slot = recorded?.slot ?? slotFor(opened.keyUsages);
      const entry = { slot, state: 'writing' as const, certificate: summary(slot, opened.certificate, item.template), imported: true, entry: item.index };
      // On disk before IMPORT: a resumed run reads the slot back, where the lost password cannot help.
      await commit({ writes: [...rec.writes.filter((w) => w.slot !== slot), entry] });
      await session.importKey(slot, opened.privateKeyPkcs8);
      await session.putCertificate(slot, opened.certificate.der);
      await markWritten(slot);
    } finally {
      // Node cannot promise no other copy (the JWK export in the card layer, V8's heap), but this one goes now.
      opened.privateKeyPkcs8.fill(0);
    }
  }

  /**
   * The Key History object (5FC10C) says how many retired slots hold a key, all with their certificate
   * on the card (C1; C2 off-card is 0): middleware reads the retired slots by it (OpenSC card-piv.c
   * piv_process_history). Written after every key is, and again on a resumed run (PUT DATA replaces).
   */
  async function writeKeyHistory(session: PivSession): Promise<void> {
    const retired = rec.writes.filter((w) => isRetiredSlot(w.slot));
    if (retired.length === 0) return;
    await session.putKeyHistory({ onCardCertificates: retired.length, offCardCertificates: 0 });
  }

  async function writeCertificates(session: PivSession): Promise<'done'> {
    if (rec.certificateData.state !== 'answered') throw new StationError('INTERNAL', 'No certificate answer to write.');
    const { writes, imports, history } = planWrites(pki.readCertificateData(rec.certificateData.raw));
    for (const write of writes) {
      const recorded = rec.writes.find((w) => w.slot === write.slot);
      if (recorded?.state === 'written') continue;
      if (recorded?.state === 'writing' && (await foundWritten(session, write.slot, (onCard) => onCard.equals(write.der)))) continue;
      const entry = { slot: write.slot, state: 'writing' as const, certificate: write.summary, imported: false };
      // Progress: CM's answer is on disk (the commit above); the same certificate is written again.
      await progress({ writes: [...rec.writes.filter((w) => w.slot !== write.slot), entry] });
      await session.putCertificate(write.slot, write.der);
      await markWritten(write.slot);
    }
    for (const item of imports) await importKey(session, item, importSlot);
    for (const item of history) await importKey(session, item, retiredSlot);
    await writeKeyHistory(session);
    // Every PFX is opened and imported: the password has no use left.
    ctx.pfxPasswords.delete(rec.requestId);
    return 'done';
  }

  /** Sets `pin` from the factory PIN; after an interrupted change, first checks whether it took. */
  async function setPin(session: PivSession, pin: string): Promise<void> {
    if (rec.pin === 'changing') {
      try {
        await session.verifyPin(pin);
        await progress({ pin: 'set' });
        return;
      } catch (err) {
        if (asStationError(err).code !== 'PIV_PIN_WRONG') throw err;
      }
    }
    // On disk before the change: a resumed run then checks the new PIN instead of trying the factory one.
    await commit({ pin: 'changing' });
    await session.changeReference('pin', FACTORY_PIN, pin);
    // Progress: the PUK's commit comes next, with no change to the card in between; lost, the
    // resumed run finds 'changing' and checks the PIN.
    await progress({ pin: 'set' });
  }

  /**
   * One card session, on the card this issuance started on (same CHUID) or none. The PIN step talks
   * to the card in short sessions of its own: no card connection is held while a person types or
   * reads a PIN (another program, or the station's own reader monitor, may connect meanwhile), and
   * the card is checked again before each one.
   */
  async function withSession<T>(use: (session: PivSession) => Promise<T>): Promise<T> {
    const session = await card.open(rec.reader);
    try {
      await checkCard(session);
      return await use(session);
    } finally {
      await session.close().catch(() => {
        // What the session did is on disk; a failed disconnect loses nothing.
      });
    }
  }

  async function userPin(config: CmSmartcardConfiguration): Promise<void> {
    if (usesServerPin(config.userPinOption)) {
      if (rec.pin === 'shown') return;
      const pin = await cm.getServerProposedPin(ids());
      if (!/^\d{4,8}$/.test(pin)) throw new StationError('CM_MALFORMED_RESPONSE', 'CM proposed a PIN a PIV card cannot take (4 to 8 digits).');
      await withSession(async (session) => {
        if (rec.pin !== 'set') return setPin(session, pin);
        // Set before a restart, never shown: it must be the PIN CM proposes now, or a person decides.
        try {
          await session.verifyPin(pin);
        } catch (err) {
          if (asStationError(err).code === 'PIV_PIN_WRONG')
            throw needsPerson('The card’s PIN was set to CM’s proposal before a restart, and CM now proposes another one.');
          throw err;
        }
      });
      await ctx.showPin(rec.requestId, pin);
      await commit({ pin: 'shown' });
      return;
    }
    if (rec.pin === 'set') return;
    const pin = await ctx.askPin(rec.requestId, pinRulesOf(config));
    await withSession((session) => setPin(session, pin));
  }

  /**
   * The factory PUK is never left: it becomes a random value nobody keeps (docs/deploying.md "PUK").
   * After an interrupted change, a wrong-PUK answer means the change had happened.
   */
  async function replacePuk(): Promise<void> {
    if (rec.puk === 'replaced') return;
    const interrupted = rec.puk === 'changing';
    await withSession(async (session) => {
      await commit({ puk: 'changing' });
      try {
        await session.changeReference('puk', FACTORY_PUK, randomPuk(ctx.randomBytes));
      } catch (err) {
        if (!(interrupted && asStationError(err).code === 'PIV_PIN_WRONG')) throw err;
      }
    });
    await commit({ puk: 'replaced' });
  }

  async function complete(): Promise<'done'> {
    const request = await records.getRequest(rec.requestId);
    if (request?.status === 'Completed') return 'done';
    try {
      await cm.setRequestStatus(rec.requestId, 'Completed');
    } catch (err) {
      // A second Completed is undocumented: a failure is checked against the request, never taken as done.
      const again = await records.getRequest(rec.requestId).catch(() => {
        // Not provable now: the PUT's own failure is what the caller hears.
        return null;
      });
      if (again?.status !== 'Completed') throw err;
    }
    return 'done';
  }

  async function verifyActive(): Promise<'done'> {
    let status = 'not found';
    for (let i = 0; i < ctx.activation.polls; i++) {
      if (i > 0) await ctx.sleep(ctx.activation.intervalMs);
      const smartcard = await records.getSmartcard(rec.smartcardUuid);
      status = smartcard?.status ?? 'not found';
      // get-smartcard-data.md: Status 3 (Active) is an executed card.
      if (status === 'Active') return 'done';
    }
    throw needsPerson(`The request is Completed but CM shows the card ${status}, not Active.`, { smartcardUuid: rec.smartcardUuid, status });
  }

  try {
    await progress({ phase: 'running', error: null });
    safePoint();
    await checkRequest();
    const config = await cm.getSmartcardConfiguration(rec.profileTemplateUuid);
    await withSession(async (session) => {
      // Every session authenticates (the card forgets it at disconnect); the step shows the first time.
      let authenticated = false;
      await step('admin-auth', async () => {
        await authenticateAny(session);
        authenticated = true;
        return 'done';
      });
      if (!authenticated) await authenticateAny(session);
      safePoint();
      await step('admin-key', () => installDiversifiedKey(session, config));
      safePoint();
      await step('generate-keys', () => generateKeys(session));
      safePoint();
      await step('sign-requests', () => signRequests(session));
      safePoint();
      await step('certificates', requestCertificates);
      await step('write-certificates', () => writeCertificates(session));
    });
    await step('pin', async () => {
      await userPin(config);
      await replacePuk();
      return 'done';
    });
    await step('complete', complete);
    await step('verify-active', verifyActive);
    await commit({ phase: 'done', error: null });
  } catch (err) {
    if (err instanceof Canceled) {
      ctx.pfxPasswords.delete(rec.requestId);
      await commit({ phase: 'canceled', error: null });
      return rec;
    }
    const { kind, error } = classifyFailure(err);
    const running = stepsNow().find((s) => s.status === 'running');
    if (running) {
      await mark(running.step, 'failed').catch(() => {
        // The phase below is what matters; a step left 'running' on disk is shown failed at the next run.
      });
    }
    await commit({ phase: kind, error });
  }
  return rec;
}

function withStatus(
  steps: IssuanceRecord['steps'],
  step: IssuanceStep,
  status: 'running' | 'done' | 'skipped' | 'failed',
  at: string,
): IssuanceRecord['steps'] {
  return steps.map((s) => {
    if (s.step !== step) return s;
    if (status === 'running') return { ...s, status, startedAt: s.startedAt ?? at, endedAt: null };
    return { ...s, status, startedAt: s.startedAt ?? at, endedAt: at };
  });
}

function summary(slot: CertificateSlot, cert: { subject: string; issuer: string; serialNumber: string; notAfter: string }, template: string | null) {
  return { slot, subject: cert.subject, issuer: cert.issuer, serialNumber: cert.serialNumber, notAfter: cert.notAfter, template };
}

// Opening PIV sessions on a reader's card, and the read-only capability probe the station runs
// before it binds a card (desk-issuance.md, "Capability first": never bind a card it then cannot issue).
import { StationError } from '../../../shared/errors';
import type { PcscContext } from '../binding';
import { AES_ALGORITHMS, ALGORITHM_3DES } from './objects';
import { CardPivSession, type PivSessionOptions } from './session';
import type { PivCapability, PivCardAccess } from './types';

/** What sessions need from a PC/SC context: connect SHARED to a reader. */
export type PivConnector = Pick<PcscContext, 'connect'>;

/** GET METADATA exists from YubiKey firmware 5.3 (yubico-piv-tool checks the same version). */
function hasMetadata(firmware: string | null): boolean {
  if (firmware === null) return false;
  const [major = 0, minor = 0] = firmware.split('.').map(Number);
  return major > 5 || (major === 5 && minor >= 3);
}

export function createPivCardAccess(connector: PivConnector, options: PivSessionOptions = {}): PivCardAccess {
  /** Connect SHARED, SELECT PIV; the session owns the connection from then on. */
  async function openSession(reader: string): Promise<CardPivSession> {
    const connection = await connector.connect(reader);
    const session = new CardPivSession(connection, options);
    try {
      await session.select();
      return session;
    } catch (err) {
      // A transmit may still hang (mute card): do not wait for the disconnect behind it.
      session.abandon();
      throw err;
    }
  }

  return {
    open: openSession,
    async probe(reader) {
      let session: CardPivSession;
      try {
        session = await openSession(reader);
      } catch (err) {
        if (err instanceof StationError && err.code === 'PIV_NOT_PRESENT') return { issuable: false, reason: 'not-piv', detail: 'SELECT PIV answered 6a82' };
        if (err instanceof StationError && err.code === 'PIV_CARD_ERROR') return { issuable: false, reason: 'not-piv', detail: err.message };
        throw err;
      }
      try {
        return await probeSession(session);
      } catch (err) {
        // Transport failures (card pulled, mute, service down) are the caller's to report as such.
        if (err instanceof StationError && err.code.startsWith('PCSC_')) throw err;
        if (err instanceof StationError) return { issuable: false, reason: 'card-error', detail: err.message };
        throw err;
      } finally {
        session.abandon();
      }
    },
  };
}

/**
 * Reads without writing: firmware, CHUID, the 9B key's algorithm, PIN tries. On a YubiKey 5.3+ the
 * algorithm comes from GET METADATA; elsewhere the card is asked for a 3DES single-authentication
 * challenge that is then abandoned (SELECT again drops it, as ykpiv_auth_verifyresponse's comment says).
 */
async function probeSession(session: CardPivSession): Promise<PivCapability> {
  const firmware = await session.firmwareVersion();
  const chuidGuid = await session.readChuidGuid();
  const algorithm = hasMetadata(firmware) ? await session.adminKeyAlgorithm() : null;
  if (algorithm !== null && algorithm !== ALGORITHM_3DES) {
    const name = AES_ALGORITHMS.get(algorithm) ?? `algorithm ${algorithm.toString(16).padStart(2, '0')}`;
    return { issuable: false, reason: 'admin-key-not-3des', detail: `The 9B key is ${name}; CM answers 3DES challenges only.` };
  }
  if (algorithm === null) {
    try {
      await session.adminChallenge();
    } catch (err) {
      if (!(err instanceof StationError) || err.code.startsWith('PCSC_')) throw err;
      // 6A 80 / 6A 86: the card does not hold a 3DES key under 9B.
      const sw = typeof err.details.sw === 'string' ? err.details.sw : null;
      if (sw === '6a80' || sw === '6a86') return { issuable: false, reason: 'admin-key-not-3des', detail: `The card refused a 3DES challenge (${sw}).` };
      return { issuable: false, reason: 'admin-challenge-refused', detail: err.message };
    }
    await session.select();
  }
  const pinTriesLeft = await session.pinTriesLeft();
  return { issuable: true, chuidGuid, firmware, pinTriesLeft };
}

import { randomBytes as nodeRandomBytes } from 'node:crypto';
import type { CmRequest } from '../../shared/cm';
import { StationError } from '../../shared/errors';
import type { IssuancePlan, IssueAtDesk } from '../../shared/issuance';
import { ADMIN_KEY_BYTES, type CmExecutionClient, type CmSmartcardConfiguration } from '../cm';
import type { AuditNote, IssuanceGate } from '../enrollment';
import { formatCmGuid, type PivCapability, type PivCardAccess } from '../pcsc';
import { asStationError } from './classify';

/**
 * Capability before commitment (desk-issuance.md "What is not known" 4): before a card is bound, the
 * station reads what the card can do (PIV present, a 3DES 9B key: PivCardAccess.probe, read-only) and
 * asks CM for the profile's smart card configuration. Under `always` a card that cannot be issued is
 * refused before anything is written; under `offer` the plan says why issuance will not be offered
 * and the operator may bind only. A factory card has no CHUID: the plan holds a fresh random GUID,
 * written (with the profile's DefaultAdminKeyHex) right before the bind, and the bind's card id is
 * made from it by pcsc/identify.ts formatCmGuid, the one derivation bind and execution share.
 */
export interface IssuanceGateDeps {
  policy: () => IssueAtDesk;
  card: PivCardAccess;
  /** null: no CM configured. */
  cm: CmExecutionClient | null;
  isOnline: () => boolean;
  audit: (note: AuditNote) => Promise<void>;
  randomBytes?: (size: number) => Buffer;
}

function probeRefusal(probe: Extract<PivCapability, { issuable: false }>): StationError {
  switch (probe.reason) {
    case 'not-piv':
      return new StationError('PIV_NOT_PRESENT', `This card has no PIV application (${probe.detail}): it cannot be issued here.`, {
        reason: probe.reason,
        detail: probe.detail,
      });
    case 'admin-key-not-3des':
      return new StationError('PIV_ADMIN_KEY_NOT_3DES', `${probe.detail} CM can only answer a 3DES challenge.`, { reason: probe.reason, detail: probe.detail });
    default:
      return new StationError('ISSUANCE_CARD_NOT_ISSUABLE', `This card cannot be issued here: ${probe.detail}`, { reason: probe.reason, detail: probe.detail });
  }
}

/**
 * The profile's initial admin key (DefaultAdminKeyHex), with which a factory card's id is written:
 * refused at the choice, before anything is written, when it is absent or not a 3DES key.
 */
function initialAdminKey(config: Pick<CmSmartcardConfiguration, 'defaultAdminKey'>, request: CmRequest): Buffer {
  const key = config.defaultAdminKey;
  const details = { profileTemplateUuid: request.profileTemplateUuid };
  if (key === null) {
    throw new StationError(
      'ISSUANCE_CARD_NOT_ISSUABLE',
      'The profile states no 3DES initial admin key (DefaultAdminKeyHex), so the station cannot write this card’s id.',
      details,
    );
  }
  if (key.length !== ADMIN_KEY_BYTES) {
    throw new StationError(
      'ISSUANCE_CARD_NOT_ISSUABLE',
      `The profile’s initial admin key (DefaultAdminKeyHex) is ${key.length} bytes, not a 3DES key (${ADMIN_KEY_BYTES}), so the station cannot write this card’s id.`,
      { ...details, length: key.length },
    );
  }
  return key;
}

export function createIssuanceGate(deps: IssuanceGateDeps): IssuanceGate {
  const randomBytes = deps.randomBytes ?? nodeRandomBytes;

  async function adminKeyOf(request: CmRequest): Promise<Buffer> {
    if (!deps.cm || !deps.isOnline() || request.profileTemplateUuid === null) {
      throw new StationError(
        'ISSUANCE_NEEDS_CM',
        'This factory card gets its card id from the profile’s admin key, which needs CM: try again when CM is reachable.',
      );
    }
    return initialAdminKey(await deps.cm.getSmartcardConfiguration(request.profileTemplateUuid), request);
  }

  return {
    async plan(reader, _card, request) {
      const mode = deps.policy();
      if (mode === 'off') return undefined;
      const notOffered = (err: unknown): IssuancePlan => {
        const error = asStationError(err);
        // Under `always` nothing is bound that cannot be issued: the choice is refused, nothing written.
        if (mode === 'always') throw error;
        return { mode: null, reason: error.toPayload(), chuid: null };
      };
      let probe: PivCapability;
      try {
        probe = await deps.card.probe(reader);
      } catch (err) {
        return notOffered(err);
      }
      if (!probe.issuable) return notOffered(probeRefusal(probe));
      if (request.profileTemplateUuid === null) {
        return notOffered(new StationError('ISSUANCE_NOT_ALLOWED', 'The request names no profile template, so the station cannot read its smart card policy.'));
      }
      const chuid = probe.chuidGuid === null ? randomBytes(16).toString('hex') : null;
      if (deps.cm && deps.isOnline()) {
        try {
          // The operator's permission and the profile's policy, read before anything is written.
          const config = await deps.cm.getSmartcardConfiguration(request.profileTemplateUuid);
          // The configuration just read says it: no second GET to word the refusal.
          if (chuid !== null) initialAdminKey(config, request);
        } catch (err) {
          return notOffered(err);
        }
      } else if (chuid !== null) {
        return notOffered(
          new StationError('ISSUANCE_NEEDS_CM', 'A factory card gets its card id from the profile’s admin key, which needs CM: CM is not reachable now.'),
        );
      }
      // Offline with a card that has its id: the bind is queued and issuance waits for CM (ISSUANCE_NEEDS_CM).
      return { mode, reason: null, chuid };
    },

    async prepareCard(reader, plan, request) {
      if (plan.mode === null || plan.chuid === null) return;
      const key = await adminKeyOf(request);
      const session = await deps.card.open(reader);
      try {
        const existing = await session.readChuidGuid();
        if (existing === plan.chuid) return;
        if (existing !== null) {
          throw new StationError('CARD_MISMATCH', 'This card has a card id already: it is not the factory card that was read. Start again with this card.', {
            reader,
          });
        }
        await session.authenticateAdmin(key);
        await session.writeChuid(Buffer.from(plan.chuid, 'hex'));
      } finally {
        await session.close().catch((err: unknown) => {
          // The CHUID is written (or not) by now; a failed disconnect changes neither.
          void err;
        });
      }
      await deps.audit({
        action: 'issuance.chuid-written',
        result: 'ok',
        reader,
        cardId: formatCmGuid(Buffer.from(plan.chuid, 'hex')),
        requestId: request.uuid,
        message: 'A fresh CHUID (SP 800-73-4 layout) was written to the factory card before the bind.',
      });
    },
  };
}

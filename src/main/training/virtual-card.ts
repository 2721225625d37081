// What a virtual card answers: pure APDU logic (no sockets, no timers). Training mode's sample cards
// run it in memory behind the simulated reader; the tests' vpcd cards run the same logic in their own
// processes. Configurations are JSON so they can travel to such a process on its argv.
import { z } from 'zod';
import { APPLICATION_PROPERTY_TEMPLATE, createYubiKeyPivCard, selectsPiv, yubiKeyPivSchema } from './piv-card';

const hex = (bytes: number) => z.string().regex(new RegExp(`^[0-9a-f]{${bytes * 2}}$`));

const pivSchema = z.object({
  kind: z.literal('piv'),
  /** The 16-byte CHUID GUID (tag 34), as stored on the card. */
  guid: hex(16),
  /** 25-byte FASC-N (tag 30); defaults to the all-9s pattern PIV-I cards use. */
  fascn: hex(25).optional(),
  /** Expiry date YYYYMMDD (tag 35). */
  expiry: z
    .string()
    .regex(/^\d{8}$/)
    .optional(),
});

const contactlessSchema = z.object({ kind: z.literal('contactless'), uid: z.string().regex(/^(?:[0-9a-f]{2}){4,10}$/) });

const globalPlatformSchema = z.object({
  kind: z.literal('globalplatform'),
  cplc: z.object({ fabricator: hex(2), type: hex(2), serial: hex(4), batch: hex(2) }),
});

const plainSchema = z.object({ kind: z.literal('plain') });
const muteSchema = z.object({ kind: z.literal('mute') });

const answeringSchema = z.discriminatedUnion('kind', [pivSchema, yubiKeyPivSchema, contactlessSchema, globalPlatformSchema, plainSchema]);

const diesSchema = z.object({
  kind: z.literal('dies'),
  /**
   * The 1-based APDU on which the card closes its socket instead of answering (a card pulled
   * mid-read). Once: put back in the reader, the same card answers again with what it kept.
   */
  onApdu: z.number().int().positive(),
  /** How it answers the APDUs before that one. */
  before: answeringSchema,
});

export const cardBehaviourSchema = z.discriminatedUnion('kind', [
  pivSchema,
  /** A full YubiKey 5 PIV applet (./piv-card): keys, PINs, objects, judged by yubico-piv-tool and OpenSC. */
  yubiKeyPivSchema,
  contactlessSchema,
  globalPlatformSchema,
  plainSchema,
  muteSchema,
  diesSchema,
]);
// Input types: a behaviour may leave out what has a default (the YubiKey's firmware, serial).
export type CardBehaviour = z.input<typeof cardBehaviourSchema>;
type AnsweringBehaviour = z.input<typeof answeringSchema>;

export type { CardLogic, CardReaction } from './card-logic';
import type { CardLogic, CardReaction } from './card-logic';

const SW_OK = Buffer.from('9000', 'hex');
const SW_FILE_NOT_FOUND = Buffer.from('6a82', 'hex');
const SW_INS_NOT_SUPPORTED = Buffer.from('6d00', 'hex');
const SW_CONDITIONS = Buffer.from('6985', 'hex');
const SW_WRONG_P1P2 = Buffer.from('6a86', 'hex');

const answer = (...parts: Buffer[]): CardReaction => ({ kind: 'answer', response: Buffer.concat(parts) });

function tlv(tag: string, value: Buffer): Buffer {
  const t = Buffer.from(tag, 'hex');
  if (value.length < 0x80) return Buffer.concat([t, Buffer.from([value.length]), value]);
  if (value.length < 0x100) return Buffer.concat([t, Buffer.from([0x81, value.length]), value]);
  return Buffer.concat([t, Buffer.from([0x82, value.length >> 8, value.length & 0xff]), value]);
}

/** SELECT by DF name: `00 A4 04 00 Lc <AID> [Le]`; returns the AID or null for other commands. */
function selectedAid(apdu: Buffer): Buffer | null {
  if (apdu.length < 5 || apdu[0] !== 0x00 || apdu[1] !== 0xa4 || apdu[2] !== 0x04) return null;
  const lc = apdu[4] ?? 0;
  return apdu.subarray(5, 5 + lc);
}

function pivLogic(config: z.infer<typeof pivSchema>): CardLogic {
  let selected = false;
  const chuid = tlv(
    '53',
    Buffer.concat([
      tlv('30', Buffer.from(config.fascn ?? 'd4e739da739ced39ce739d836858210842108421c84210c3eb', 'hex')),
      tlv('34', Buffer.from(config.guid, 'hex')),
      tlv('35', Buffer.from(config.expiry ?? '20301231', 'ascii')),
      tlv('3e', Buffer.alloc(0)),
      tlv('fe', Buffer.alloc(0)),
    ]),
  );
  return {
    reset: () => {
      selected = false;
    },
    command: (apdu) => {
      const aid = selectedAid(apdu);
      if (aid !== null) {
        selected = selectsPiv(aid);
        return selected ? answer(APPLICATION_PROPERTY_TEMPLATE, SW_OK) : answer(SW_FILE_NOT_FOUND);
      }
      if (apdu[1] === 0xcb) {
        if (!selected) return answer(SW_CONDITIONS);
        if (apdu[2] !== 0x3f || apdu[3] !== 0xff) return answer(SW_WRONG_P1P2);
        const tagList = apdu.subarray(5, 5 + (apdu[4] ?? 0));
        return tagList.equals(Buffer.from('5c035fc102', 'hex')) ? answer(chuid, SW_OK) : answer(SW_FILE_NOT_FOUND);
      }
      return answer(SW_INS_NOT_SUPPORTED);
    },
  };
}

function contactlessLogic(config: z.infer<typeof contactlessSchema>): CardLogic {
  const uid = Buffer.from(config.uid, 'hex');
  return {
    reset: () => undefined,
    command: (apdu) => {
      // FF CA 00 00 00 is the PC/SC GET DATA pseudo-APDU a contactless reader answers with the UID.
      if (apdu[0] === 0xff && apdu[1] === 0xca) return apdu[2] === 0x00 ? answer(uid, SW_OK) : answer(Buffer.from('6a81', 'hex'));
      if (selectedAid(apdu) !== null) return answer(SW_FILE_NOT_FOUND);
      return answer(SW_INS_NOT_SUPPORTED);
    },
  };
}

function globalPlatformLogic(config: z.infer<typeof globalPlatformSchema>): CardLogic {
  const { fabricator, type, serial, batch } = config.cplc;
  // CPLC layout (GlobalPlatform Card Spec, 42 bytes): fabricator(2) type(2) OS id(2) OS date(2)
  // OS level(2) fabrication date(2) serial(4) batch(2), then module/embedding/perso data (24).
  const cplc = Buffer.concat([Buffer.from(fabricator + type + '4791' + '2018' + '0100' + '2060' + serial + batch, 'hex'), Buffer.alloc(24, 0x11)]);
  return {
    reset: () => undefined,
    command: (apdu) => {
      if (apdu.subarray(0, 4).equals(Buffer.from('80ca9f7f', 'hex'))) return answer(tlv('9f7f', cplc), SW_OK);
      if (selectedAid(apdu) !== null) return answer(SW_FILE_NOT_FOUND);
      return answer(SW_INS_NOT_SUPPORTED);
    },
  };
}

function plainLogic(): CardLogic {
  return {
    reset: () => undefined,
    command: (apdu) => answer(selectedAid(apdu) !== null ? SW_FILE_NOT_FOUND : SW_INS_NOT_SUPPORTED),
  };
}

function answeringLogic(behaviour: AnsweringBehaviour): CardLogic {
  switch (behaviour.kind) {
    case 'piv':
      return pivLogic(behaviour);
    case 'yubikey-piv':
      return createYubiKeyPivCard(behaviour);
    case 'contactless':
      return contactlessLogic(behaviour);
    case 'globalplatform':
      return globalPlatformLogic(behaviour);
    case 'plain':
      return plainLogic();
  }
}

export function createCardLogic(behaviour: CardBehaviour): CardLogic {
  switch (behaviour.kind) {
    case 'mute':
      return { reset: () => undefined, command: () => ({ kind: 'ignore' }) };
    case 'dies': {
      const inner = answeringLogic(behaviour.before);
      // Counts across power cycles: "the Nth APDU this card ever sees" is what a test can aim at.
      let seen = 0;
      return {
        reset: () => inner.reset(),
        command: (apdu) => (++seen === behaviour.onApdu ? { kind: 'die' } : inner.command(apdu)),
      };
    }
    default:
      return answeringLogic(behaviour);
  }
}

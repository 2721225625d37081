import { describe, expect, it } from 'vitest';
import type { CardConnection } from '../../../src/main/pcsc/binding';
import { formatCmGuid, readCardIdentity, type CardAccess } from '../../../src/main/pcsc/identify';
import { createCardLogic, type CardBehaviour } from '../../support/vcard/behaviour';

/** Card access backed by the virtual cards' own logic (no PC/SC), recording what was sent. */
function cardAccess(respond: (apdu: Buffer) => Buffer | 'hang') {
  const sent: string[] = [];
  let disconnected = 0;
  const access: CardAccess = {
    connect: async (reader) => {
      const connection: CardConnection = {
        reader,
        transmit: (apdu) => {
          sent.push(Buffer.from(apdu).toString('hex'));
          const response = respond(Buffer.from(apdu));
          return response === 'hang' ? new Promise(() => undefined) : Promise.resolve(Uint8Array.from(response));
        },
        disconnect: async () => {
          disconnected++;
        },
      };
      return connection;
    },
  };
  return { access, sent, disconnects: () => disconnected };
}

function logicAccess(behaviour: CardBehaviour) {
  const logic = createCardLogic(behaviour);
  logic.reset();
  return cardAccess((apdu) => {
    const reaction = logic.command(apdu);
    return reaction.kind === 'answer' ? reaction.response : reaction.kind === 'die' ? Buffer.alloc(0) : 'hang';
  });
}

describe('formatCmGuid', () => {
  it('writes the CHUID GUID in Microsoft (mixed-endian) order, lowercase', () => {
    expect(formatCmGuid(Buffer.from('00112233445566778899aabbccddeeff', 'hex'))).toBe('33221100-5544-7766-8899-aabbccddeeff');
  });
});

describe('readCardIdentity (scripted card)', () => {
  it('reads the PIV GUID after selecting the applet, then disconnects', async () => {
    const card = logicAccess({ kind: 'piv', guid: 'a0b1c2d3e4f5061728394a5b6c7d8e9f' });
    expect(await readCardIdentity(card.access, 'R')).toEqual({ kind: 'piv-guid', value: 'd3c2b1a0-f5e4-1706-2839-4a5b6c7d8e9f' });
    expect(card.sent).toEqual(['00a404000ba00000030800001000010000', '00cb3fff055c035fc10200']);
    expect(card.disconnects()).toBe(1);
  });

  it('follows 61xx with GET RESPONSE and 6Cxx with the right Le', async () => {
    const guid = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
    const chuid = Buffer.concat([Buffer.from([0x53, 0x12, 0x34, 0x10]), guid]);
    const card = cardAccess((apdu) => {
      const hex = apdu.toString('hex');
      if (hex.startsWith('00a40400')) return Buffer.from('9000', 'hex');
      if (hex === '00cb3fff055c035fc10200') return Buffer.from('6c14', 'hex');
      if (hex === '00cb3fff055c035fc10214') return Buffer.concat([chuid.subarray(0, 10), Buffer.from('610a', 'hex')]);
      if (hex === '00c000000a') return Buffer.concat([chuid.subarray(10), Buffer.from('9000', 'hex')]);
      return Buffer.from('6d00', 'hex');
    });
    expect(await readCardIdentity(card.access, 'R')).toEqual({ kind: 'piv-guid', value: '33221100-5544-7766-8899-aabbccddeeff' });
  });

  it('falls back to the UID, then to CPLC, then to none', async () => {
    expect(await readCardIdentity(logicAccess({ kind: 'contactless', uid: '04a1b2c3' }).access, 'R')).toEqual({ kind: 'uid', value: '04a1b2c3' });
    const cplc = { fabricator: '4790', type: '5167', serial: '01020304', batch: '0a0b' };
    expect(await readCardIdentity(logicAccess({ kind: 'globalplatform', cplc }).access, 'R')).toEqual({ kind: 'cplc', value: '4790-5167-0a0b-01020304' });
    expect(await readCardIdentity(logicAccess({ kind: 'plain' }).access, 'R')).toEqual({ kind: 'none', value: null });
  });

  it('treats a malformed CHUID as no PIV identifier', async () => {
    const card = cardAccess((apdu) =>
      apdu[1] === 0xcb ? Buffer.from('53ff019000', 'hex') : apdu[1] === 0xa4 ? Buffer.from('9000', 'hex') : Buffer.from('6d00', 'hex'),
    );
    expect(await readCardIdentity(card.access, 'R')).toEqual({ kind: 'none', value: null });
  });

  it('reports an empty response (card pulled mid-transmit) as PCSC_CARD_REMOVED', async () => {
    const card = logicAccess({ kind: 'dies', onApdu: 2, before: { kind: 'piv', guid: '00112233445566778899aabbccddeeff' } });
    await expect(readCardIdentity(card.access, 'R')).rejects.toMatchObject({ code: 'PCSC_CARD_REMOVED' });
  });

  it('gives up on a card that never answers after the timeout', async () => {
    const card = logicAccess({ kind: 'mute' });
    const started = performance.now();
    await expect(readCardIdentity(card.access, 'R', { timeoutMs: 200 })).rejects.toMatchObject({ code: 'PCSC_UNRESPONSIVE_CARD', details: { timeoutMs: 200 } });
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});

// The virtual cards the integration tests rely on must answer like the real thing.
import { describe, expect, it } from 'vitest';
import { cardBehaviourSchema, createCardLogic } from '../../support/vcard/behaviour';

const answer = (logic: ReturnType<typeof createCardLogic>, hex: string) => {
  const reaction = logic.command(Buffer.from(hex, 'hex'));
  return reaction.kind === 'answer' ? reaction.response.toString('hex') : reaction.kind;
};

describe('virtual card behaviours', () => {
  it('PIV: accepts the full and the truncated AID, needs SELECT before GET DATA, resets on power-on', () => {
    const piv = createCardLogic({ kind: 'piv', guid: '00112233445566778899aabbccddeeff' });
    expect(answer(piv, '00cb3fff055c035fc10200')).toBe('6985');
    expect(answer(piv, '00a4040005a000000308')).toMatch(/^61.*9000$/);
    const chuid = answer(piv, '00cb3fff055c035fc10200');
    expect(chuid).toMatch(/^53/);
    expect(chuid).toContain('341000112233445566778899aabbccddeeff');
    expect(chuid).toContain('3e00fe00');
    expect(answer(piv, '00a4040005a000000399')).toBe('6a82');
    piv.reset();
    expect(answer(piv, '00cb3fff055c035fc10200')).toBe('6985');
  });

  it('contactless answers FF CA with its UID; plain answers 6A 82 / 6D 00', () => {
    expect(answer(createCardLogic({ kind: 'contactless', uid: '04a1b2c3' }), 'ffca000000')).toBe('04a1b2c39000');
    const plain = createCardLogic({ kind: 'plain' });
    expect(answer(plain, '00a4040005a000000308')).toBe('6a82');
    expect(answer(plain, '80ca9f7f00')).toBe('6d00');
  });

  it('GlobalPlatform returns 42 bytes of CPLC', () => {
    const gp = createCardLogic({ kind: 'globalplatform', cplc: { fabricator: '4790', type: '5167', serial: '12345678', batch: '0102' } });
    const response = answer(gp, '80ca9f7f00');
    expect(response.slice(0, 6)).toBe('9f7f2a');
    expect(response.length).toBe((3 + 42 + 2) * 2);
  });

  it('mute never answers; dies on the Nth APDU', () => {
    expect(answer(createCardLogic({ kind: 'mute' }), '00a4040000')).toBe('ignore');
    const dies = createCardLogic({ kind: 'dies', onApdu: 2, before: { kind: 'plain' } });
    expect(answer(dies, '00a4040000')).toBe('6a82');
    expect(answer(dies, '00a4040000')).toBe('die');
    // Once: put back in a reader, the same card answers again.
    expect(answer(dies, '00a4040000')).toBe('6a82');
  });

  it('validates configurations', () => {
    expect(cardBehaviourSchema.safeParse({ kind: 'piv', guid: 'xyz' }).success).toBe(false);
  });
});

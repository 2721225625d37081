import { describe, expect, it } from 'vitest';
import { cmCardIdFromText, cmCardIdOf } from '../../../src/shared/card-id';

// Issue #17, part 5. The GUID and serial forms are MIMDocs/reference/assign-smartcard-to-request.md's
// example cardid and get-smartcard-data.md's SerialNumber `{...}`.
describe('the cardid CM is sent', () => {
  it('a GUID is lowercase without braces; a UID or a CPLC is its hex; anything else cannot be sent', () => {
    expect(cmCardIdFromText('{BC88F13F-83BA-4037-8262-46EBA1291C6E}')).toBe('bc88f13f-83ba-4037-8262-46eba1291c6e');
    expect(cmCardIdOf({ kind: 'uid', value: '04A1B2C3D4E5F6' })).toBe('04a1b2c3d4e5f6');
    expect(cmCardIdOf({ kind: 'cplc', value: '4790-5167-0102-12345678' })).toBe('47905167010212345678');
    expect(cmCardIdOf({ kind: 'uid', value: '04a1b2' })).toBeNull();
    expect(cmCardIdOf({ kind: 'cplc', value: 'not-hex' })).toBeNull();
    expect(cmCardIdOf({ kind: 'none', value: null })).toBeNull();
  });
});

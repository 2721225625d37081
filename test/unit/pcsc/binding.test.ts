import { describe, expect, it } from 'vitest';
import { createPcscliteBinding } from '../../../src/main/pcsc/binding';

describe('createPcscliteBinding', () => {
  it('loads nothing until a context is established, and reports a missing addon as a StationError', () => {
    let loads = 0;
    const binding = createPcscliteBinding({
      loadAddon: () => {
        loads++;
        throw new Error('Cannot find module pcsclite.node');
      },
    });
    expect(loads).toBe(0);
    const listener = { readers: () => undefined, status: () => undefined, lost: () => undefined };
    expect(() => binding.establish(listener)).toThrow(
      expect.objectContaining({ code: 'PCSC_SERVICE_DOWN', details: expect.objectContaining({ operation: 'load-addon' }) }),
    );
    expect(loads).toBe(1);
    expect(binding.stats()).toEqual({ contexts: 0, watchers: 0 });
  });
});

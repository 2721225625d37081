import { describe, expect, it } from 'vitest';
import { loadOnce } from '../../src/main/common';

describe('loadOnce', () => {
  it('shares one load among callers, in flight and after', async () => {
    let loads = 0;
    const load = loadOnce(async () => ++loads);
    const [a, b] = await Promise.all([load(), load()]);
    expect([a, b, await load()]).toEqual([1, 1, 1]);
    expect(loads).toBe(1);
  });

  it('gives a failed load to its caller and tries again for the next one', async () => {
    let loads = 0;
    const load = loadOnce(async () => {
      loads += 1;
      if (loads === 1) throw new Error('module missing');
      return 'loaded';
    });
    await expect(load()).rejects.toThrow('module missing');
    await expect(load()).resolves.toBe('loaded');
    await expect(load()).resolves.toBe('loaded');
    expect(loads).toBe(2);
  });
});

import { describe, expect, it, vi } from 'vitest';
import { createListenerSet, reportListenerErrorToStderr } from '../../src/main/common/listener-set';

describe('listener set', () => {
  it('calls every listener even when one throws, and reports the failure with its source', () => {
    const failures: [unknown, string][] = [];
    const set = createListenerSet<[number]>('monitor', (err, source) => failures.push([err, source]));
    const seen: string[] = [];
    set.add((n) => seen.push(`a${n}`));
    set.add(() => {
      throw new Error('boom');
    });
    set.add((n) => seen.push(`c${n}`));
    set.emit(1);
    expect(seen).toEqual(['a1', 'c1']);
    expect(failures).toEqual([[new Error('boom'), 'monitor']]);
  });

  it('survives a reporter that throws too', () => {
    const set = createListenerSet<[]>('x', () => {
      throw new Error('reporter');
    });
    let called = 0;
    set.add(() => {
      throw new Error('listener');
    });
    set.add(() => called++);
    expect(() => set.emit()).not.toThrow();
    expect(called).toBe(1);
  });

  it('emits to the listeners present when the emit began; unsubscribe and clear work', () => {
    const set = createListenerSet<[]>('x', () => undefined);
    const calls: string[] = [];
    let offB: () => void = () => undefined;
    set.add(() => {
      calls.push('a');
      offB();
      set.add(() => calls.push('late'));
    });
    offB = set.add(() => calls.push('b'));
    set.emit();
    // b was removed during the emit but was present when it began; 'late' was not.
    expect(calls).toEqual(['a', 'b']);
    set.clear();
    expect(set.size).toBe(0);
  });

  it('names the stderr reporter for the processes that have no log, and says which source failed', () => {
    const stderr = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const set = createListenerSet<[]>('settings', reportListenerErrorToStderr);
    set.add(() => {
      throw new Error('listener bug');
    });
    set.emit();
    expect(stderr).toHaveBeenCalledWith('A settings listener failed:', new Error('listener bug'));
    stderr.mockRestore();
  });
});

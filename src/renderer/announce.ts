import { useEffect, useRef } from 'react';
import { create } from 'zustand';

/**
 * Focus moves said out loud: every time the station moves focus for the operator (to the search
 * field, the first result, Confirm) it says where and what Enter does next, in a live region that
 * is also visible on screen (sighted keyboard users read the same hint).
 */
export const useAnnouncement = create<{ text: string; seq: number }>(() => ({ text: '', seq: 0 }));

export function announce(text: string): void {
  useAnnouncement.setState((s) => ({ text, seq: s.seq + 1 }));
}

/** Move focus to `element` and announce `text`; a no-op when the element is gone. */
export function focusAndAnnounce(element: HTMLElement | null, text: string): void {
  if (!element) return;
  element.focus();
  announce(text);
}

/** Focus the element behind `ref` once, when `when` first becomes true (after that render). */
export function useFocusWhen<T extends HTMLElement>(when: boolean, text: () => string) {
  const ref = useRef<T>(null);
  const done = useRef(false);
  useEffect(() => {
    if (!when || done.current) return;
    done.current = true;
    focusAndAnnounce(ref.current, text());
  });
  return ref;
}

/** English strings: the source of truth for keys (other locales are checked against it). */
export const en = {
  app: {
    title: 'Enrollment Station',
    training: 'TRAINING',
    trainingNotice: 'Training mode: nothing here reaches a real CM server.',
    connecting: 'Connecting to the station…',
    failed: 'The station could not be reached: {{reason}}',
  },
  connection: {
    online: 'CM online',
    offline: 'CM offline since {{since}}',
    unconfigured: 'CM not configured',
  },
  readers: {
    heading: 'Card readers',
    serviceDown: 'Smart card service unavailable. The station reconnects by itself when it returns.',
    serviceStarting: 'Looking for card readers…',
    none: 'No card reader is connected. Plug one in.',
    empty: 'No card',
    insertCard: 'Insert a card',
    atr: 'ATR',
    copy: 'Copy',
    copied: 'Copied',
    cardPresent: 'Card present',
  },
  language: { label: 'Language' },
} as const;

type Widen<T> = { [K in keyof T]: T[K] extends string ? string : Widen<T[K]> };
export type Messages = Widen<typeof en>;

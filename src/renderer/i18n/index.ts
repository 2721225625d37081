import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import type { Locale as SettingsLocale } from '../../shared/settings';
import { en } from './en';
import { fr } from './fr';

/** The screens' languages, each named in itself; exactly the locales the settings accept. */
export const LOCALES = { en: 'English', fr: 'Français' } as const satisfies Record<SettingsLocale, string>;
export type Locale = keyof typeof LOCALES;

function isLocale(value: string): value is Locale {
  return Object.hasOwn(LOCALES, value);
}

export function initI18n(locale: Locale = 'en') {
  void i18next.use(initReactI18next).init({
    lng: locale,
    fallbackLng: 'en',
    resources: { en: { translation: en }, fr: { translation: fr } },
    // React already escapes what it renders.
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  setDocumentLanguage(locale);
  return i18next;
}

function setDocumentLanguage(locale: Locale): void {
  if (typeof document !== 'undefined') document.documentElement.lang = locale;
}

/** Switches the screens' language live (the `locale` setting); unknown locales fall back to English. */
export function applyLocale(locale: string): Promise<unknown> {
  const next: Locale = isLocale(locale) ? locale : 'en';
  setDocumentLanguage(next);
  if (i18next.language === next) return Promise.resolve();
  return i18next.changeLanguage(next);
}

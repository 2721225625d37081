import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { type Locale, LOCALES } from '../../shared/locales';
import { en } from './en';
import { fr } from './fr';
import { fire } from '../fire';

// The one list of locales is the settings schema's (src/shared/locales.ts); the screens add each one's name.
export { LOCALES, type Locale };

/** Each language named in itself, as the language picker shows it. */
export const LOCALE_NAMES: Readonly<Record<Locale, string>> = { en: 'English', fr: 'Français' };

function isLocale(value: string): value is Locale {
  return (LOCALES as readonly string[]).includes(value);
}

export function initI18n(locale: Locale = 'en') {
  const ready = i18next.use(initReactI18next).init({
    lng: locale,
    fallbackLng: 'en',
    resources: { en: { translation: en }, fr: { translation: fr } } satisfies Record<Locale, unknown>,
    // React already escapes what it renders.
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  fire(ready, 'language setup');
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

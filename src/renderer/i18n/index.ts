import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { isLocale, type Locale, LOCALES } from '../../shared/locales';
import { en, type Messages } from './en';
import { fire } from '../fire';
import { loadOnce } from '../../shared/load-once';

// The one list of locales is the settings schema's (src/shared/locales.ts); the screens add each one's name.
export { LOCALES, type Locale };

/** Each language named in itself, as the language picker shows it. */
export const LOCALE_NAMES: Readonly<Record<Locale, string>> = { en: 'English', fr: 'Français' };

/**
 * English is bundled with the first screen (it is the fallback for any missing key); every other
 * language's strings load when first wanted, so the first screen does not carry them (quality.md,
 * "Start-up and size"). A locale missing here is a type error.
 */
const LOADERS: { readonly [L in Exclude<Locale, 'en'>]: () => Promise<Messages> } = {
  // One load in flight shared, a failed one tried again (shared/load-once.ts).
  fr: loadOnce(async () => (await import('./fr')).fr),
};

/** The locale asked for last: a slower load finishing later must not undo a newer switch. */
let wanted: Locale = 'en';
export function initI18n() {
  const ready = i18next.use(initReactI18next).init({
    lng: 'en',
    fallbackLng: 'en',
    resources: { en: { translation: en } },
    // React already escapes what it renders.
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  fire(ready, 'language setup');
  wanted = 'en';
  setDocumentLanguage('en');
  return i18next;
}

function setDocumentLanguage(locale: Locale): void {
  if (typeof document !== 'undefined') document.documentElement.lang = locale;
}

function isLoaded(locale: Locale): boolean {
  return locale === 'en' || i18next.hasResourceBundle(locale, 'translation');
}

/** Makes a locale's strings available without switching to it (a failed load may be tried again). */
export function loadLocale(locale: Locale): Promise<void> {
  if (locale === 'en' || isLoaded(locale)) return Promise.resolve();
  return LOADERS[locale]().then((messages) => {
    // Added once even when several wishes waited for the same load.
    if (!isLoaded(locale)) i18next.addResourceBundle(locale, 'translation', messages);
  });
}

/** Loads every language's strings (in the background once the first screen is up, and before tests render). */
export function preloadLocales(): Promise<void> {
  return Promise.all(LOCALES.map(loadLocale)).then(() => undefined);
}

/**
 * Switches the screens' language live (the `locale` setting); unknown locales fall back to English.
 * A loaded language switches at once (in this call, so the next render is in it); another loads
 * first, and the screens stay in the previous language until its strings are here, never a mix.
 * If the load fails the promise rejects and the screens keep the previous language.
 */
export function applyLocale(locale: string): Promise<void> {
  const next: Locale = isLocale(locale) ? locale : 'en';
  wanted = next;
  if (isLoaded(next)) return switchTo(next);
  return loadLocale(next).then(() => (wanted === next ? switchTo(next) : undefined));
}

function switchTo(locale: Locale): Promise<void> {
  setDocumentLanguage(locale);
  if (i18next.language === locale) return Promise.resolve();
  return i18next.changeLanguage(locale).then(() => undefined);
}

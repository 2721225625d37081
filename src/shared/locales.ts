// No zod here: the renderer's first screen (i18n) reads the locales without the settings schemas.

/** The operator's languages: the `locale` setting's values and the renderer's translations. */
export const LOCALES = ['en', 'fr'] as const;
export type Locale = (typeof LOCALES)[number];

export function isLocale(value: string): value is Locale {
  return (LOCALES as readonly string[]).includes(value);
}

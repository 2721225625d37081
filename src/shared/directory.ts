import { z } from 'zod';
import { guidSchema } from './cm';

/**
 * The organisation's directory as the station shows it. CM's REST API names users only by GUID
 * (TargetUserUuid, AssignedUserUuid; `targetuser` accepts only `current`), so names and accounts
 * come from Active Directory or LDAP when machine policy configures one, and are never required.
 */
export const directoryUserSchema = z.object({
  guid: guidSchema,
  displayName: z.string(),
  /** `DOMAIN\sam` on Active Directory; the configured account attribute otherwise. */
  account: z.string(),
  upn: z.string().nullable(),
});
export type DirectoryUser = z.infer<typeof directoryUserSchema>;

export const DIRECTORY_KINDS = ['none', 'ldap', 'ad'] as const;

/** Why the directory did not answer: a reason the renderer words (the English stays in logs). */
export const DIRECTORY_FAILURES = ['unreachable', 'auth', 'tls', 'config', 'protocol'] as const;
export type DirectoryFailure = (typeof DIRECTORY_FAILURES)[number];

/** An answer with names: fresh from the directory, or the cached copy (with why and how old). */
export const directoryAnswerSchema = z.discriminatedUnion('state', [
  z.object({ state: z.literal('unconfigured') }),
  z.object({
    state: z.literal('answered'),
    users: z.array(directoryUserSchema),
    source: z.enum(['live', 'cache']),
    /** Set when the directory failed and the cache answered. */
    failure: z.enum(DIRECTORY_FAILURES).nullable(),
    /** The oldest cached entry used, when the cache answered. */
    cachedAt: z.string().nullable(),
  }),
]);
export type DirectoryAnswer = z.infer<typeof directoryAnswerSchema>;

export const directoryResolveSchema = z.strictObject({ userUuids: z.array(guidSchema).max(200) });

import { z } from 'zod';
// Imported, not read from disk: the bundled app carries it inside its one file (as seed.ts does).
import profilesFixture from './profiles.json' with { type: 'json' };

/**
 * What the simulated CM knows per profile template for executing a request: the smart card
 * configuration and the certificate request generation options, served as stored (./profiles.json,
 * each entry citing its source and saying what is invented). The simulator reads the few fields it
 * acts on itself, from this file only (never from the station's client).
 */

const configurationSchema = z
  .object({
    DefaultAdminKeyHex: z.string(),
    DiversifyAdminKey: z.boolean(),
    UserPinOption: z.union([z.string(), z.number()]),
    UserPinPolicy: z.object({ MinLength: z.number().int(), MaxLength: z.number().int() }).passthrough(),
  })
  .passthrough();

const optionSchema = z.object({ KeyAlgorithmName: z.string(), KeySize: z.number().int(), KeyUsages: z.number().int() }).passthrough();

export const simExecutionProfileSchema = z.strictObject({
  source: z.string().min(10),
  profileTemplateUuid: z.string(),
  name: z.string(),
  configuration: configurationSchema,
  generationOptions: z.array(optionSchema),
  /** TemplateCommonName of each option's certificate, in order. */
  certificateTemplates: z.array(z.string()),
  /**
   * Keys CM itself makes and returns as a PFX protected with the request's pfxpassword
   * (get-certificate-responses.md: "Some profile templates can be configured to generate keys/requests
   * on the server"). [sim] RSA only; their fields are invented for training.
   */
  serverGeneratedKeys: z
    .array(z.strictObject({ template: z.string(), KeyAlgorithmName: z.literal('RSA'), KeySize: z.literal(2048), KeyUsages: z.number().int() }))
    .optional(),
  /**
   * Key history (get-certificate-responses.md: isKeyHistory, "a key history certificate"): the CA
   * archives the keys it makes for this template, and an Enroll request recovers the user's earlier
   * archived keys onto the new card. [sim] Which requests recover which keys is not on the pages.
   */
  keyHistory: z.boolean().optional(),
});
export type SimExecutionProfile = z.infer<typeof simExecutionProfileSchema>;

const fixtureSchema = z.strictObject({ description: z.string(), profiles: z.array(simExecutionProfileSchema) });

export function defaultExecutionProfiles(): SimExecutionProfile[] {
  return structuredClone(fixtureSchema.parse(profilesFixture).profiles);
}

/**
 * UserPinOption values for which CM itself makes the PIN (SDK UserPinOption: ServerDistributed "the
 * server will create and store a random user PIN", Randomized, CustomServerDistributed). By name only:
 * the SDK documents no numbers, so a number proposes nothing here.
 */
const SERVER_PIN_OPTIONS = new Set(['serverdistributed', 'randomized', 'customserverdistributed']);

export function proposesPin(profile: SimExecutionProfile): boolean {
  return typeof profile.configuration.UserPinOption === 'string' && SERVER_PIN_OPTIONS.has(profile.configuration.UserPinOption.toLowerCase());
}

import { createHash } from 'node:crypto';
import { z } from 'zod';
// Imported, not read from disk: the bundled app (out/main) carries them inside its one file.
import microsoftExamples from './fixtures/microsoft-examples.json' with { type: 'json' };
import trainingDirectory from './fixtures/training-directory.json' with { type: 'json' };
import { simArchivedKeySchema, simProfileTemplateSchema, simRequestSchema, simSmartcardSchema, simUserSchema, type SimState } from './state';

/**
 * The simulator's starting directory, read from JSON fixtures (./fixtures), never computed from the
 * station's own tables:
 * - `microsoft-examples.json`: objects transcribed from Microsoft's reference examples (the
 *   documented Enroll and Unblock requests, an Active and an Assigned card), each citing its page;
 * - `training-directory.json`: the training directory, in the same wire shape, enums as numbers.
 * Each record carries `source`; the loader checks every record against the wire schema.
 */

/** A stable GUID for a label (SHA-1 name-based, shaped like an RFC 4122 version 5 UUID). */
export function seedGuid(label: string): string {
  const hex = createHash('sha1').update(`enrollment-station/cm-sim/${label}`).digest('hex');
  const variant = ((parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

const cited = <S extends z.ZodType>(record: S) => z.strictObject({ source: z.string().min(10), record });

const fixtureSchema = z.strictObject({
  description: z.string(),
  /** What IT would confirm in machine policy for this directory (training mode applies it). */
  trainingPolicy: z.strictObject({ source: z.string(), requestTypeNumbers: z.record(z.string(), z.string()) }).optional(),
  users: z.array(cited(simUserSchema)),
  profileTemplates: z.array(cited(simProfileTemplateSchema)),
  requests: z.array(cited(simRequestSchema)),
  smartcards: z.array(cited(simSmartcardSchema)),
  /** Keys the simulated CA archived before the directory starts (their key material is made on first recovery). */
  archivedKeys: z.array(cited(simArchivedKeySchema.extend({ Certificate: z.null(), Pkcs8: z.null() }))).optional(),
});
type Fixture = z.infer<typeof fixtureSchema>;

function readFixture(json: unknown): Fixture {
  return fixtureSchema.parse(json);
}

let cache: { state: SimState; trainingNumbers: Record<string, string> } | null = null;

function load(): NonNullable<typeof cache> {
  if (cache !== null) return cache;
  const training = readFixture(trainingDirectory);
  const microsoft = readFixture(microsoftExamples);
  const parts = [training, microsoft];
  cache = {
    state: {
      users: parts.flatMap((f) => f.users.map((r) => r.record)),
      profileTemplates: parts.flatMap((f) => f.profileTemplates.map((r) => r.record)),
      requests: parts.flatMap((f) => f.requests.map((r) => r.record)),
      smartcards: parts.flatMap((f) => f.smartcards.map((r) => r.record)),
      archivedKeys: parts.flatMap((f) => (f.archivedKeys ?? []).map((r) => r.record)),
    },
    trainingNumbers: training.trainingPolicy?.requestTypeNumbers ?? {},
  };
  return cache;
}

/** A fresh copy every call, so callers may keep or change it freely. */
export function seedDirectory(): SimState {
  return structuredClone(load().state);
}

/**
 * The RequestType numbers training mode treats as confirmed (`requestTypeNumbers`), as IT would
 * after checking its own CM; a real station gets them only from machine policy.
 */
export function trainingRequestTypeNumbers(): Record<string, string> {
  return { ...load().trainingNumbers };
}

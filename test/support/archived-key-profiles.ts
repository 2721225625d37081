import { defaultExecutionProfiles } from '../../src/main/training/cm-sim/execution/profiles';

/**
 * The CM simulator's training profiles with profiles.json's archived-key template (a logon key made
 * on the card, an encryption key CM makes and returns as a PFX) standing in for `templateUuid`, so a
 * training directory request on that template is executed with it.
 */
export function profilesWithArchivedKeyFor(templateUuid: string) {
  const name = 'Staff Smart Card with Archived Encryption Key';
  const profiles = defaultExecutionProfiles();
  const archived = profiles.find((p) => p.name === name);
  if (!archived) throw new Error(`profiles.json has no '${name}'`);
  return [...profiles.filter((p) => p.profileTemplateUuid !== templateUuid && p !== archived), { ...archived, profileTemplateUuid: templateUuid }];
}

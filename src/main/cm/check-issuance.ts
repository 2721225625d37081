import type { CmCheckIssuance, CmCheckIssuanceProfile } from '../../shared/cm-check';
import { StationError, toErrorPayload } from '../../shared/errors';
import { httpFailure, type CmCallContext } from './errors';
import { EXECUTION_ROUTES, toSmartcardConfiguration } from './execution';
import { ADMIN_KEY_BYTES } from './execution-types';
import { wireSmartcardConfigSchema } from './execution-wire';
import { decodeRequestStatus } from './normalize';
import { readCmBody } from './read-body';
import { wireProfileTemplateSchema, wireRequestSchema } from './wire-schemas';

/**
 * cm-check's desk-issuance part (issue 16, item 6), GETs only: for each smart card profile template
 * CM lists, its smart card configuration read exactly as the issuance reads it (execution.ts); and
 * one probe of the execution routes on an Approved request. The admin-key routes
 * (`authenticationresponse`, `diversifiedkey`: the FIM CM SDK's "Sensitive API" group) need a card
 * bound to a request, so no read-only call can prove them: the first issuance does.
 */

/** One GET as cm-check makes it (its timeout and sign-in); throws a StationError when no answer came. */
export type CheckGet = (route: string, path: string) => Promise<{ status: number; text: string }>;

/** A check stays short on a CM with many templates. */
const MAX_PROFILES = 20;

function parseList(text: string): unknown[] {
  try {
    const json: unknown = text === '' ? [] : JSON.parse(text);
    return Array.isArray(json) ? json : [];
  } catch {
    // Not a list: nothing to check (the main check reports the malformed answer itself).
    return [];
  }
}

async function checkProfile(get: CheckGet, templateUuid: string, name: string): Promise<CmCheckIssuanceProfile> {
  const route = EXECUTION_ROUTES.configuration;
  const ctx: CmCallContext = { method: 'GET', route };
  const profile: CmCheckIssuanceProfile = {
    templateUuid,
    name,
    verdict: 'unknown',
    adminKeyBytes: null,
    diversify: null,
    userPinOption: null,
    problems: [],
    error: null,
  };
  try {
    const answer = await get(route, `profiletemplates/${encodeURIComponent(templateUuid)}/configuration/smartcards`);
    if (answer.status === 204) return { ...profile, problems: ['no-configuration'] };
    if (answer.status === 403) return { ...profile, problems: ['forbidden'], error: httpFailure(403, answer.text, ctx).toPayload() };
    if (answer.status < 200 || answer.status >= 300) {
      return { ...profile, problems: ['unreadable'], error: httpFailure(answer.status, answer.text, ctx).toPayload() };
    }
    // An unreadable configuration is CM_MALFORMED_RESPONSE, reported below.
    const config = toSmartcardConfiguration(readCmBody(wireSmartcardConfigSchema, answer.text, ctx, answer.status), ctx, answer.status);
    const adminKeyBytes = config.defaultAdminKey?.length ?? 0;
    const problems: CmCheckIssuanceProfile['problems'] = [];
    if (adminKeyBytes === 0) problems.push('no-admin-key');
    else if (adminKeyBytes !== ADMIN_KEY_BYTES) problems.push('admin-key-length');
    return {
      ...profile,
      verdict: problems.length === 0 ? 'allowed' : 'not-allowed',
      adminKeyBytes,
      diversify: config.diversifyAdminKey,
      userPinOption: config.userPinOption,
      problems,
    };
  } catch (err) {
    if (!(err instanceof StationError)) throw err;
    return { ...profile, problems: ['unreadable'], error: toErrorPayload(err) };
  }
}

async function probeExecutionRoutes(get: CheckGet, requests: unknown[]): Promise<CmCheckIssuance['executionRoutes']> {
  const approved = requests
    .map((item) => wireRequestSchema.safeParse(item))
    .find((parsed) => parsed.success && parsed.data.IsSmartcard && decodeRequestStatus(parsed.data.Status) === 'Approved');
  const requestUuid = approved?.success === true ? approved.data.Uuid : null;
  if (requestUuid === null) return { result: 'not-checked', requestUuid: null, error: null };
  const route = EXECUTION_ROUTES.generationOptions;
  try {
    const answer = await get(route, `requests/${encodeURIComponent(requestUuid)}/certificaterequestgenerationoptions`);
    if (answer.status >= 200 && answer.status < 300) return { result: 'allowed', requestUuid, error: null };
    const error = httpFailure(answer.status, answer.text, { method: 'GET', route }).toPayload();
    return { result: answer.status === 403 ? 'forbidden' : 'unknown', requestUuid, error };
  } catch (err) {
    if (!(err instanceof StationError)) throw err;
    return { result: 'unknown', requestUuid, error: toErrorPayload(err) };
  }
}

/** `templatesText` and `requestsText`: the bodies of the check's GET profiletemplates and GET requests. */
export async function checkDeskIssuance(get: CheckGet, templatesText: string, requestsText: string): Promise<CmCheckIssuance> {
  const templates = parseList(templatesText)
    .map((item) => wireProfileTemplateSchema.safeParse(item))
    .flatMap((parsed) => (parsed.success && (parsed.data.IsSmartcardProfileTemplate || parsed.data.IsVirtualSmartcardProfileTemplate) ? [parsed.data] : []));
  const profiles: CmCheckIssuanceProfile[] = [];
  // One after the other: a real CM may log every call, and the check is not in a hurry.
  for (const template of templates.slice(0, MAX_PROFILES)) profiles.push(await checkProfile(get, template.Uuid, template.Name));
  return {
    profiles,
    profilesNotChecked: Math.max(0, templates.length - MAX_PROFILES),
    executionRoutes: await probeExecutionRoutes(get, parseList(requestsText)),
  };
}

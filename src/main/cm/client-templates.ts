import type { CmProfileTemplate, Guid } from '../../shared/cm';
import { StationError } from '../../shared/errors';
import { ROUTES, type CmClientContext } from './client-context';
import { PROBE_PATH } from './http';
import { toCmProfileTemplate, type RequestNames } from './normalize';
import { wireProfileTemplateSchema } from './wire-schemas';

export interface CmTemplateOperations {
  /** `GET /profiletemplates`: the templates CM lists for the signed-in operator. */
  listProfileTemplates(): Promise<CmProfileTemplate[]>;
  /** The names a request is shown with (its template's name, its user's display name). */
  requestNames(): Promise<RequestNames>;
}

/**
 * The profile templates and the name cache requests are shown with: template names for requests are
 * refreshed by every successful template listing.
 */
export function templateOperations(context: CmClientContext, userDisplayName: (userUuid: Guid) => string | null): CmTemplateOperations {
  let templateNames: ReadonlyMap<Guid, string> | null = null;

  async function listProfileTemplates(): Promise<CmProfileTemplate[]> {
    const ctx = { method: 'GET', route: ROUTES.listTemplates } as const;
    const templates = (await context.getList(wireProfileTemplateSchema, ctx, PROBE_PATH)).map(toCmProfileTemplate);
    templateNames = new Map(templates.map((t) => [t.uuid, t.name]));
    return templates;
  }

  /**
   * Template names come from one template listing, fetched the first time a request needs one.
   * Best effort: a request is still shown (by template GUID) if the listing fails.
   */
  async function requestNames(): Promise<RequestNames> {
    if (templateNames === null) {
      try {
        await listProfileTemplates();
      } catch (err) {
        if (!(err instanceof StationError)) throw err;
        // Not asked again with every request; the next explicit listing refreshes the names.
        templateNames = new Map();
      }
    }
    const names = templateNames;
    return { templateName: (uuid) => names?.get(uuid) ?? null, userDisplayName };
  }

  return { listProfileTemplates, requestNames };
}

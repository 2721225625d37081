import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { CmSimulatorAdmin } from './admin';
import { faultRuleSchema } from './faults';
import { sendJson } from './responses';
import { normalizeGuid } from './state';

export const ADMIN_PREFIX = '/__sim/';

/** `PUT faults`: a JSON array of fault rules, else 400. */
function putFaults(admin: CmSimulatorAdmin, res: ServerResponse, body: string): void {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    // Not JSON: the schema check below refuses it with a 400.
    json = undefined;
  }
  const rules = z.array(faultRuleSchema).safeParse(json);
  if (!rules.success) return sendJson(res, 400, { Message: 'Expected a JSON array of fault rules.', issues: rules.error.issues });
  admin.setFaults(rules.data);
  return sendJson(res, 204, undefined);
}

/** `PUT lookup-scope`: `{"user": "<guid>"}` or `{"user": null}`, else 400. */
function putLookupScope(admin: CmSimulatorAdmin, res: ServerResponse, body: string): void {
  let user: unknown;
  try {
    user = (JSON.parse(body) as { user?: unknown }).user;
  } catch {
    // Not JSON: the schema check below refuses it with a 400.
    user = undefined;
  }
  if (user !== null && (typeof user !== 'string' || normalizeGuid(user) === null)) {
    return sendJson(res, 400, { Message: 'Expected {"user": "<guid>"} or {"user": null}.' });
  }
  admin.setLookupScope(user);
  return sendJson(res, 204, undefined);
}

/** The actions on one object: `POST requests/{id}/approve`, `POST smartcards/{id}/activate`; 404 for anything else. */
async function objectAction(admin: CmSimulatorAdmin, res: ServerResponse, action: string): Promise<void> {
  const approval = /^POST requests\/([^/]+)\/approve$/.exec(action);
  if (approval !== null) {
    if (await admin.approve(approval[1] ?? '')) return sendJson(res, 204, undefined);
    return sendJson(res, 409, { Message: 'No Pending request with that Uuid.' });
  }
  const activation = /^POST smartcards\/([^/]+)\/activate$/.exec(action);
  if (activation !== null) {
    const uuid = normalizeGuid(activation[1] ?? '');
    if (uuid !== null && (await admin.activate(uuid))) return sendJson(res, 204, undefined);
    return sendJson(res, 409, { Message: 'No Assigned smart card with that Uuid.' });
  }
  return sendJson(res, 404, { Message: `No simulator admin action '${action}'.` });
}

/** The admin controls over HTTP, for the station host, e2e tests and crash tests in other processes. */
export async function serveAdmin(admin: CmSimulatorAdmin, req: IncomingMessage, res: ServerResponse, url: URL, body: string): Promise<void> {
  const action = `${req.method ?? ''} ${url.pathname.slice(ADMIN_PREFIX.length).toLowerCase().replace(/\/$/, '')}`;
  switch (action) {
    case 'GET received':
      return sendJson(res, 200, admin.received());
    case 'DELETE received':
      admin.clearReceived();
      return sendJson(res, 204, undefined);
    case 'GET faults':
      return sendJson(res, 200, admin.faults());
    case 'PUT faults':
      return putFaults(admin, res, body);
    case 'DELETE faults':
      admin.clearFaults();
      return sendJson(res, 204, undefined);
    case 'GET state':
      return sendJson(res, 200, admin.state());
    case 'GET ca':
      return sendJson(res, 200, await admin.caCertificates());
    case 'POST reset':
      await admin.reset();
      return sendJson(res, 204, undefined);
    case 'PUT lookup-scope':
      return putLookupScope(admin, res, body);
    default:
      return objectAction(admin, res, action);
  }
}

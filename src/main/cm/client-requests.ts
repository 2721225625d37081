import { z } from 'zod';
import type { CmRequest, Guid, RequestStatus } from '../../shared/cm';
import { ROUTES, requireGuid, type CmClientContext } from './client-context';
import { outcomeUnknownAnswer, type CmCallContext } from './errors';
import { toCmRequest, type RequestNames } from './normalize';
import { wireCreatedRequestSchema, wireRequestSchema } from './wire-schemas';

export interface CmRequestOperations {
  createRetireRequest(smartcardUuid: string): Promise<Guid>;
  listRequests(filter?: { status?: RequestStatus }): Promise<CmRequest[]>;
  listRequestsReport(filter?: { status?: RequestStatus }): Promise<{ requests: CmRequest[]; skipped: number }>;
  getRequest(requestId: string): Promise<CmRequest | null>;
}

export interface RequestOperationsDeps {
  requestNames: () => Promise<RequestNames>;
  /** Told of each element of a list that could not be read and was skipped; never the element itself. */
  onSkipped: (skipped: { route: string; index: number; problem: string }) => void;
}

/** The CM requests: listing (element by element), one request, and the Retire request the station may create. */
export function requestOperations(context: CmClientContext, deps: RequestOperationsDeps): CmRequestOperations {
  const { requestNames, onSkipped } = deps;

  /**
   * `GET /requests[?status=]`: the list must be a JSON array, but each element is read on its own,
   * so one request CM serves in an unexpected shape is skipped and counted, not the whole list lost.
   */
  async function listRequestsReport(filter: { status?: RequestStatus } = {}): Promise<{ requests: CmRequest[]; skipped: number }> {
    const query = filter.status === undefined ? '' : `?status=${encodeURIComponent(filter.status)}`;
    const ctx: CmCallContext = { method: 'GET', route: ROUTES.listRequests };
    const answer = await context.call(ctx, `requests${query}`);
    if (answer.status === 204) return { requests: [], skipped: 0 };
    const items = context.parse(z.array(z.unknown()), answer, ctx);
    const names = await requestNames();
    const requests: CmRequest[] = [];
    let skipped = 0;
    for (const [index, item] of items.entries()) {
      const parsed = wireRequestSchema.safeParse(item);
      if (parsed.success) {
        requests.push(toCmRequest(parsed.data, names));
        continue;
      }
      skipped++;
      const issue = parsed.error.issues[0];
      const where = issue === undefined || issue.path.length === 0 ? 'element' : issue.path.join('.');
      onSkipped({ route: ctx.route, index, problem: `${where}: ${issue?.message ?? 'invalid'}`.slice(0, 300) });
    }
    return { requests, skipped };
  }

  return {
    async createRetireRequest(smartcardUuid) {
      const body = { type: 'Retire', smartcard: requireGuid(smartcardUuid, 'smartcardUuid'), datacollection: '[]', comment: '' };
      const ctx: CmCallContext = { method: 'POST', route: ROUTES.createRequest };
      const answer = await context.call(ctx, 'requests', body);
      // 201 is the only success create-request.md lists; any other 2xx says nothing of what CM did.
      if (answer.status !== 201 && answer.status !== 200) throw outcomeUnknownAnswer(ctx, answer.status);
      return context.parse(wireCreatedRequestSchema, answer, ctx);
    },

    async listRequests(filter = {}) {
      return (await listRequestsReport(filter)).requests;
    },

    listRequestsReport,

    async getRequest(requestId) {
      const id = requireGuid(requestId, 'requestId');
      const ctx: CmCallContext = { method: 'GET', route: ROUTES.getRequest };
      const wire = await context.getOptional(wireRequestSchema, ctx, `requests/${encodeURIComponent(id)}`);
      return wire === null ? null : toCmRequest(wire, await requestNames());
    },
  };
}

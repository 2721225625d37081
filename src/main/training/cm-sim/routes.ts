/**
 * The CM REST routes the simulator serves, matched like IIS does: path case does not matter
 * (`/certificatemanagement/...` in Microsoft's examples, `/CertificateManagement/...` in its tables).
 */

import { EXECUTION_ROUTE_IDS } from './execution/route-ids';

export const API_PREFIX = '/CertificateManagement/api/v1.0/';

/** The routes ./api.ts answers; the execution routes (./execution) are added to them below. */
export const CORE_ROUTE_IDS = [
  'GET /requests',
  'GET /requests/{id}',
  'GET /profiletemplates',
  'GET /smartcards',
  'GET /smartcards/{id}',
  'GET /smartcards/{id}/operations',
  'POST /smartcards',
  'PUT /requests/{id}/smartcards/{id}',
] as const;
export type CoreRouteId = (typeof CORE_ROUTE_IDS)[number];

export const ROUTE_IDS = [...CORE_ROUTE_IDS, ...EXECUTION_ROUTE_IDS] as const;
export type RouteId = (typeof ROUTE_IDS)[number];

export type RouteMatch =
  | { kind: 'route'; id: RouteId; params: string[] }
  /** The path exists under the API but not for this method (Web API answers 405). */
  | { kind: 'method-not-allowed'; allowed: string[] }
  /** Under the API prefix, no such route (Web API answers its own JSON 404). */
  | { kind: 'no-route' }
  /** Not the API at all (IIS answers its HTML 404). */
  | { kind: 'outside-api' };

interface RoutePattern {
  id: RouteId;
  method: string;
  segments: string[];
}

const PATTERNS: RoutePattern[] = ROUTE_IDS.map((id) => {
  const [method = '', path = ''] = id.split(' ');
  return { id, method, segments: path.split('/').filter((s) => s !== '') };
});

function matchSegments(pattern: string[], actual: string[]): string[] | null {
  if (pattern.length !== actual.length) return null;
  const params: string[] = [];
  for (const [i, segment] of pattern.entries()) {
    const value = actual[i] ?? '';
    if (segment === '{id}') params.push(value);
    else if (segment !== value) return null;
  }
  return params;
}

export function matchRoute(method: string, pathname: string): RouteMatch {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname).toLowerCase();
  } catch {
    // A path that is not even a URL is outside the API: answered with CM's 404.
    return { kind: 'outside-api' };
  }
  const prefix = API_PREFIX.toLowerCase();
  const rest = `${decoded}/`.startsWith(prefix) ? decoded.slice(prefix.length) : null;
  if (rest === null) return { kind: 'outside-api' };
  const segments = rest.split('/').filter((s) => s !== '');
  const allowed: string[] = [];
  for (const pattern of PATTERNS) {
    const params = matchSegments(pattern.segments, segments);
    if (params === null) continue;
    if (pattern.method === method.toUpperCase()) return { kind: 'route', id: pattern.id, params };
    allowed.push(pattern.method);
  }
  return allowed.length > 0 ? { kind: 'method-not-allowed', allowed } : { kind: 'no-route' };
}

import type { ServerResponse } from 'node:http';
import type { SimFault } from './faults';

/**
 * How the simulator's answers look on the wire, copying who answers on a real deployment: CM's
 * Web API sends JSON (`{"Message": ...}` for errors); IIS and ASP.NET send HTML pages for sign-in
 * failures and for paths the API does not map (which is every path when the API is disabled).
 */

export function sendJson(res: ServerResponse, status: number, json: unknown, headers: Record<string, string> = {}): void {
  if (res.destroyed) return;
  if (json === undefined) {
    res.writeHead(status, headers).end();
    return;
  }
  const body = JSON.stringify(json);
  res
    .writeHead(status, {
      ...headers,
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': Buffer.byteLength(body),
    })
    .end(body);
}

function sendHtml(res: ServerResponse, status: number, title: string, headers: Record<string, string> = {}): void {
  if (res.destroyed) return;
  const body = `<!DOCTYPE html><html><head><title>${title}</title></head><body><h1>Server Error</h1><h2>${title}</h2></body></html>`;
  res.writeHead(status, { ...headers, 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': Buffer.byteLength(body) }).end(body);
}

/** The page IIS/ASP.NET serves for a path no route maps. */
export function sendIisNotFound(res: ServerResponse): void {
  sendHtml(res, 404, '404 - File or directory not found.');
}

/** CM logs an unhandled exception under a correlation id and puts the id in the message it returns. */
export function sendServerError(res: ServerResponse, correlationId: string): void {
  sendJson(res, 500, {
    Message: `An error has occurred. Correlation ID: ${correlationId}. Give this ID to your administrator.`,
  });
}

/** Invented wording in the style of IIS/ARR status pages (not from the CM pages). */
const GATEWAY_TITLES = {
  502: '502 - Web server received an invalid response while acting as a gateway or proxy server.',
  503: 'Service Unavailable',
  504: '504 - Gateway Timeout',
} as const;

/** Answers with the fault instead of CM's answer. Returns without answering for `no-answer`. */
export function sendFault(res: ServerResponse, fault: Exclude<SimFault, { kind: 'latency' }>, correlationId: string): void {
  switch (fault.kind) {
    case 'server-error':
      sendServerError(res, correlationId);
      return;
    case 'unauthorized':
      // IIS offers the Windows authentication packages it accepts; Node joins the repeated header.
      res.setHeader('WWW-Authenticate', ['Negotiate', 'NTLM']);
      sendHtml(res, 401, '401 - Unauthorized: Access is denied due to invalid credentials.');
      return;
    case 'forbidden':
      sendJson(res, 403, { Message: 'Access is denied. You do not have the permission required for this operation.' });
      return;
    case 'api-disabled':
      sendIisNotFound(res);
      return;
    case 'connection-reset':
      res.socket?.resetAndDestroy();
      return;
    case 'no-answer':
      return;
    case 'refusal':
      if (fault.body === 'html') sendHtml(res, fault.status, fault.message);
      else if (fault.body === 'text') {
        if (!res.destroyed) res.writeHead(fault.status, { 'Content-Type': 'text/plain; charset=utf-8' }).end(fault.message);
      } else sendJson(res, fault.status, { Message: fault.message });
      return;
    case 'gateway':
      sendHtml(res, fault.status, GATEWAY_TITLES[fault.status]);
      return;
    case 'no-content':
      sendJson(res, 204, undefined);
      return;
    case 'redirect':
      if (!res.destroyed) res.writeHead(fault.status, { Location: fault.location, 'Content-Length': 0 }).end();
      return;
    case 'malformed-json': {
      const body = '{"Uuid":"17cf063d-e337-4aa9-a8';
      res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body) }).end(body);
      return;
    }
  }
}

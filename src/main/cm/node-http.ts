import type { Agent, IncomingMessage } from 'node:http';
import { nodeHttp, nodeHttps } from '../common';
import type { CmTransport, CmTransportInit } from './transport';

/** One HTTP answer, its body read whole. */
export interface HttpAnswer {
  status: number;
  headers: IncomingMessage['headers'];
  body: string;
}

/**
 * One exchange over node:http(s): the body read whole, a redirect returned as it is (node:http never
 * follows one). `agent` undefined: Node's global agent; `authorization` null: no Authorization header.
 */
export function sendHttp(url: URL, init: CmTransportInit, agent: Agent | undefined, authorization: string | null): Promise<HttpAnswer> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(init.body));
  if (authorization !== null) headers.Authorization = authorization;
  const request = url.protocol === 'https:' ? nodeHttps().request : nodeHttp.request;
  return new Promise<HttpAnswer>((resolve, reject) => {
    const req = request(url, { method: init.method, headers, ...(agent ? { agent } : {}), signal: init.signal }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

/** A header of an answer, repeated values joined as fetch's Headers.get joins them. */
export function headerOf(answer: HttpAnswer, name: string): string | null {
  const value = answer.headers[name.toLowerCase()];
  if (value === undefined) return null;
  return Array.isArray(value) ? value.join(', ') : value;
}

/**
 * Plain HTTP over node:http, no sign-in at all: for the training simulator on loopback, which needs
 * none. Not Node's fetch: the simulator's server has loaded node:http already, while fetch loads
 * undici (about 15 ms) on the station's first call, at start-up (issue 19 item 7).
 */
export const nodeHttpTransport: CmTransport = async (href, init) => {
  const answer = await sendHttp(new URL(href), init, undefined, null);
  return { status: answer.status, headers: { get: (name) => headerOf(answer, name) }, text: () => Promise.resolve(answer.body) };
};

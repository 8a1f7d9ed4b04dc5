import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { InvalidSubscriberError, InvalidTokenError, NotFoundError } from '../runtime/errors.js';
import { html, sendPage, wantsJson } from './html.js';

interface Answer {
  status: number;
  code: string;
  title: string;
  message: string;
}

/** Every failure becomes a short page (or JSON for API clients); only our own bugs are 5xx. */
function answerFor(err: FastifyError | Error): Answer {
  if (err instanceof InvalidTokenError) {
    const expired = err.reason === 'expired';
    return {
      status: 400,
      code: expired ? 'expired_link' : 'invalid_link',
      title: expired ? 'This link has expired' : 'This link is not valid',
      message: expired
        ? 'Confirmation links work for 7 days. Subscribe again to get a new one.'
        : 'Open the link from your email again, or copy the whole of it: part of it is missing or changed.',
    };
  }
  if (err instanceof NotFoundError)
    return {
      status: 404,
      code: 'not_found',
      title: 'Not found',
      message: 'We could not find what this link points to. It may have been removed.',
    };
  if (err instanceof InvalidSubscriberError)
    return { status: 409, code: 'invalid_request', title: 'Cannot do that', message: err.message };
  const status = 'statusCode' in err && typeof err.statusCode === 'number' ? err.statusCode : 500;
  if (status === 429)
    return {
      status,
      code: 'rate_limited',
      title: 'Too many requests',
      message: 'Please wait a minute and try again.',
    };
  if (status >= 400 && status < 500)
    return {
      status,
      code: 'bad_request',
      title: 'Bad request',
      message: 'The request could not be understood.',
    };
  return {
    status: 500,
    code: 'internal',
    title: 'Something went wrong',
    message: 'Please try again in a moment.',
  };
}

export function installErrorHandlers(app: FastifyInstance, siteName: string): void {
  app.setErrorHandler((err: FastifyError, req, reply) => {
    const a = answerFor(err);
    if (a.status >= 500) req.log.error({ err, route: req.routeOptions.url }, 'request failed');
    else req.log.debug({ err: err.message, route: req.routeOptions.url }, 'request refused');
    return respond(req, reply, a);
  });
  app.setNotFoundHandler((req, reply) =>
    respond(req, reply, {
      status: 404,
      code: 'not_found',
      title: 'Not found',
      message: 'There is nothing at this address.',
    }),
  );
  function respond(req: FastifyRequest, reply: FastifyReply, a: Answer) {
    if (wantsJson(req) || req.url.startsWith('/admin/')) {
      return reply.code(a.status).send({ error: a.code, message: a.message });
    }
    return sendPage(reply, a.status, {
      siteName,
      title: a.title,
      body: html`<h1>${a.title}</h1>
        <p role="alert">${a.message}</p>
        <p><a href="/">Go to the front page</a></p>`,
    });
  }
}

/** The headers every answer carries, ours or the framework's; HSTS only with an https SITE_URL. */
export function securityHeaders(hsts: boolean): [string, string][] {
  return [
    ['x-content-type-options', 'nosniff'],
    // Never a Referer to another site (our URLs carry tokens); our own forms keep their Origin,
    // which browsers without Sec-Fetch-Site need for the same-origin check of a POST.
    ['referrer-policy', 'same-origin'],
    ['x-frame-options', 'DENY'],
    ...(hsts ? [['strict-transport-security', 'max-age=31536000'] as [string, string]] : []),
  ];
}

/**
 * Fastify's clientErrorHandler: what Node refuses before any route or hook (a malformed request
 * line, 431 headers too large, a client that timed out) gets the same headers as every answer.
 */
export function clientErrorAnswer(hsts: boolean) {
  return (err: Error & { code?: string }, socket: Socket): void => {
    if (err.code === 'ECONNRESET' || socket.destroyed) return;
    const status =
      err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? 408
        : err.code === 'HPE_HEADER_OVERFLOW'
          ? 431
          : err.code === 'HPE_URI_TOO_LONG'
            ? 414
            : 400;
    const body = JSON.stringify({ error: 'bad_request', message: STATUS_CODES[status] });
    const headers = [
      ['content-type', 'application/json'],
      ['content-length', String(Buffer.byteLength(body))],
      ['cache-control', 'no-store'],
      ['connection', 'close'],
      ...securityHeaders(hsts),
    ]
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join('');
    if (socket.writable)
      socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n${headers}\r\n${body}`);
    socket.destroy(err);
  };
}

import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { signupThroughProxy, testApp, type TestApp } from '../helpers/http.js';

/** One raw request on a socket: what the server answers before any route or hook could. */
async function raw(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    socket.on('data', (d) => (text += d.toString('latin1')));
    socket.on('end', () => resolve(text));
    socket.on('close', () => resolve(text));
    socket.on('error', reject);
    socket.write(request);
  });
}

describe('security headers on every answer', () => {
  let a: TestApp;
  afterEach(async () => a?.close());

  it("the framework's own refusals (400, 414, 431) carry them too, and HSTS with an https SITE_URL", async () => {
    a = await testApp({ SITE_URL: 'https://news.example.org' });
    const origin = await a.listen();
    const port = Number(new URL(origin).port);
    const answers = {
      badLine: await raw(port, 'GARBAGE\r\n\r\n'),
      headers: await raw(port, `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`),
      longUrl: await raw(port, `GET /${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`),
      badUrl: await raw(port, 'GET /%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'),
      page: await raw(port, 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'),
    };
    expect(answers.badLine).toMatch(/^HTTP\/1\.1 400/);
    expect(answers.headers).toMatch(/^HTTP\/1\.1 431/);
    expect(answers.longUrl).toMatch(/^HTTP\/1\.1 (414|431)/);
    expect(answers.badUrl).toMatch(/^HTTP\/1\.1 400/);
    expect(answers.page).toMatch(/^HTTP\/1\.1 200/);
    for (const [name, text] of Object.entries(answers)) {
      const head = text.slice(0, text.indexOf('\r\n\r\n')).toLowerCase();
      expect(head, name).toContain('x-content-type-options: nosniff');
      expect(head, name).toContain('strict-transport-security: max-age=31536000');
    }
  });

  it('no HSTS on a plain-http site (it would pin a name that has no certificate)', async () => {
    a = await testApp({ SITE_URL: 'http://localhost:3000' });
    const res = await a.app.inject({ url: '/' });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['strict-transport-security']).toBeUndefined();
  });

  it('/metrics asks for METRICS_TOKEN when it is set', async () => {
    const token = 'metrics-token-0123456789abcdef';
    a = await testApp({ METRICS_TOKEN: token });
    for (const authorization of [undefined, 'Bearer wrong-token-0123456789', `Bearer ${token}x`]) {
      const res = await a.app.inject({
        url: '/metrics',
        headers: authorization ? { authorization } : {},
      });
      expect(res.statusCode, String(authorization)).toBe(401);
      expect(res.body).not.toContain('gazette_');
    }
    const ok = await a.app.inject({
      url: '/metrics',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toContain('# HELP');
  });
});

describe('TRUST_PROXY', () => {
  let a: TestApp;
  afterEach(async () => a?.close());

  it('behind TRUST_PROXY=1, spoofed X-Forwarded-For entries do not reset the signup limit', async () => {
    a = await testApp({ TRUST_PROXY: '1' }, { subscribeRateLimit: { max: 3, timeWindow: 60_000 } });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await signupThroughProxy(
        a.app,
        `r${i}@example.org`,
        `198.51.100.${i}, 10.9.${i}.1, 203.0.113.9`,
      );
      statuses.push(res.statusCode);
    }
    expect(statuses).toEqual([202, 202, 202, 429, 429, 429]);
    // Another real client, behind the same proxy, has its own allowance.
    const other = await signupThroughProxy(a.app, 'other@example.org', '203.0.113.10');
    expect(other.statusCode).toBe(202);
  });

  it('with a list of proxy addresses, only those are skipped', async () => {
    a = await testApp(
      { TRUST_PROXY: '127.0.0.1,10.0.0.0/8' },
      { subscribeRateLimit: { max: 2, timeWindow: 60_000 } },
    );
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await signupThroughProxy(
        a.app,
        `l${i}@example.org`,
        `198.51.100.${i}, 203.0.113.9, 10.1.2.3`,
      );
      statuses.push(res.statusCode);
    }
    expect(statuses).toEqual([202, 202, 429, 429]);
  });
});

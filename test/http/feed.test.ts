import Parser from 'rss-parser';
import { afterEach, describe, expect, it } from 'vitest';
import { sampleWire, testApp, type TestApp } from '../helpers/http.js';

const T0 = new Date('2026-03-02T08:00:00.250Z');
const T1 = new Date('2026-03-02T09:30:00.000Z');

describe('GET /feed.xml over real HTTP', () => {
  let a: TestApp;
  afterEach(async () => a?.close());

  it('200 with validators, then 304 for If-None-Match and If-Modified-Since; a new article changes the ETag', async () => {
    a = await testApp();
    await a.ingest(
      { 'harbour.txt': sampleWire('The harbour reopened on Monday, after a week of storms.') },
      T0,
    );
    const url = `${await a.listen()}/feed.xml`;

    const first = await fetch(url);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toBe('application/rss+xml; charset=utf-8');
    expect(first.headers.get('cache-control')).toBe('public, max-age=300');
    expect(first.headers.get('x-content-type-options')).toBe('nosniff');
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
    // The newest change, in whole seconds: not the time of the request or of the build.
    expect(first.headers.get('last-modified')).toBe('Mon, 02 Mar 2026 08:00:00 GMT');
    const body = await first.text();
    const feed = await new Parser().parseString(body);
    expect(feed.items.map((i) => i.title)).toEqual(['The harbour reopened on Monday']);
    expect(body).toContain('<atom:link href="https://news.example/feed.xml" rel="self"');

    // A reader polling again with what it kept.
    const byEtag = await fetch(url, { headers: { 'if-none-match': etag } });
    expect(byEtag.status).toBe(304);
    expect(await byEtag.text()).toBe('');
    expect(byEtag.headers.get('etag')).toBe(etag);
    const byDate = await fetch(url, {
      headers: { 'if-modified-since': first.headers.get('last-modified')! },
    });
    expect(byDate.status).toBe(304);
    const weakAndList = await fetch(url, { headers: { 'if-none-match': `"other", W/${etag}` } });
    expect(weakAndList.status).toBe(304);
    // If-None-Match decides when both are sent (RFC 9110 §13.2.2): a stale tag means 200.
    const staleTag = await fetch(url, {
      headers: { 'if-none-match': '"stale"', 'if-modified-since': 'Tue, 01 Jan 2030 00:00:00 GMT' },
    });
    expect(staleTag.status).toBe(200);
    const badDate = await fetch(url, { headers: { 'if-modified-since': 'yesterday-ish' } });
    expect(badDate.status).toBe(200);

    const head = await fetch(url, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('etag')).toBe(etag);
    expect(head.headers.get('content-length')).toBe(String(Buffer.byteLength(body)));

    await a.ingest(
      {
        'bridge.txt': sampleWire(
          'The old bridge will close for repairs in April, the council said.',
        ),
      },
      T1,
    );
    const changed = await fetch(url, { headers: { 'if-none-match': etag } });
    expect(changed.status).toBe(200);
    const etag2 = changed.headers.get('etag');
    expect(etag2).not.toBe(etag);
    expect(changed.headers.get('last-modified')).toBe('Mon, 02 Mar 2026 09:30:00 GMT');
    expect((await new Parser().parseString(await changed.text())).items).toHaveLength(2);
    const byOldDate = await fetch(url, {
      headers: { 'if-modified-since': first.headers.get('last-modified')! },
    });
    expect(byOldDate.status).toBe(200);
    await byOldDate.arrayBuffer();
    expect((await fetch(url, { headers: { 'if-none-match': etag2! } })).status).toBe(304);
  });

  it('within the freshness window serves the snapshot without asking Redis; a change shows once it has passed', async () => {
    a = await testApp({}, { feedFreshMs: 400 });
    await a.ingest(
      { 'harbour.txt': sampleWire('The harbour reopened on Monday, after a week of storms.') },
      T0,
    );
    const first = await a.app.inject({ url: '/feed.xml' });
    await a.ingest(
      { 'bridge.txt': sampleWire('The old bridge will close for repairs in April.') },
      T1,
    );
    const soon = await a.app.inject({ url: '/feed.xml' });
    expect(soon.headers.etag).toBe(first.headers.etag);
    await new Promise((r) => setTimeout(r, 450));
    const later = await a.app.inject({ url: '/feed.xml' });
    expect(later.headers.etag).not.toBe(first.headers.etag);
    expect((await new Parser().parseString(later.body)).items).toHaveLength(2);
  });

  it('builds the XML once per change of the articles, not per request, and concurrent misses share one build', async () => {
    a = await testApp();
    await a.ingest(
      { 'harbour.txt': sampleWire('The harbour reopened on Monday, after a week of storms.') },
      T0,
    );
    const before = await a.app.inject({ url: '/metrics' });
    expect(before.body).toMatch(/^gazette_feed_builds_total 0$/m);
    const replies = await Promise.all(
      Array.from({ length: 20 }, () => a.app.inject({ url: '/feed.xml' })),
    );
    expect(new Set(replies.map((r) => r.headers.etag)).size).toBe(1);
    for (let i = 0; i < 5; i++) await a.app.inject({ url: '/feed.xml' });
    expect((await a.app.inject({ url: '/metrics' })).body).toMatch(
      /^gazette_feed_builds_total 1$/m,
    );
    await a.ingest(
      { 'bridge.txt': sampleWire('The old bridge will close for repairs in April.') },
      T1,
    );
    await a.app.inject({ url: '/feed.xml' });
    await a.app.inject({ url: '/feed.xml' });
    const metrics = (await a.app.inject({ url: '/metrics' })).body;
    expect(metrics).toMatch(/^gazette_feed_builds_total 2$/m);
    // Every answer is in the request-duration histogram, by route pattern and status.
    expect(metrics).toMatch(
      /^gazette_http_request_duration_seconds_count\{method="GET",route="\/feed.xml",status="200"\} 27$/m,
    );
    const { etag } = (await a.app.inject({ url: '/feed.xml' })).headers;
    const again = await a.app.inject({ url: '/feed.xml', headers: { 'if-none-match': etag } });
    expect(again.statusCode).toBe(304);
    expect((await a.app.inject({ url: '/metrics' })).body).toMatch(
      /^gazette_http_request_duration_seconds_count\{method="GET",route="\/feed.xml",status="304"\} 1$/m,
    );
  });

  it('an empty store gives a valid empty feed with an ETag and no Last-Modified', async () => {
    a = await testApp();
    const res = await a.app.inject({ url: '/feed.xml' });
    expect(res.statusCode).toBe(200);
    expect(res.headers.etag).toBeDefined();
    expect(res.headers['last-modified']).toBeUndefined();
    expect((await new Parser().parseString(res.body)).items).toHaveLength(0);
  });

  it('GET /articles/:id: the story as a page; unknown or malformed ids are 404 pages', async () => {
    a = await testApp();
    await a.ingest(
      { 'harbour.txt': sampleWire('The harbour reopened on Monday, after a week of <storms>.') },
      T0,
    );
    const res = await a.app.inject({ url: '/articles/harbour' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    expect(res.body).toContain('<h1>The harbour reopened on Monday</h1>');
    expect(res.body).toContain('a week of &lt;storms&gt;.');
    for (const id of ['nope', '..%2Fetc', 'UPPER', 'a'.repeat(99)]) {
      const missing = await a.app.inject({ url: `/articles/${id}` });
      expect(missing.statusCode).toBe(404);
      expect(missing.headers['content-type']).toBe('text/html; charset=utf-8');
    }
  });
});

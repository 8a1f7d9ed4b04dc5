/**
 * The feed benchmark's reference: node:http sending the same bytes and headers from memory,
 * with the same conditional GET (304 on a matching If-None-Match). Nothing else: no framework,
 * no Redis. Prints `listening <port>`.
 *   node --import tsx bench/plain-server.ts <body file> <etag> <last-modified>
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

const [file, etag, lastModified] = process.argv.slice(2);
if (!file || !etag) throw new Error('usage: plain-server.ts <body file> <etag> [last-modified]');
const body = readFileSync(file);
const headers = {
  'content-type': 'application/rss+xml; charset=utf-8',
  'cache-control': 'public, max-age=300',
  etag,
  ...(lastModified ? { 'last-modified': lastModified } : {}),
};

const server = createServer((req, res) => {
  if (req.headers['if-none-match'] === etag) {
    res.writeHead(304, headers).end();
    return;
  }
  res.writeHead(200, { ...headers, 'content-length': body.length }).end(body);
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  console.log(`listening ${(server.address() as { port: number }).port}`);
});
const stop = () => server.close(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);

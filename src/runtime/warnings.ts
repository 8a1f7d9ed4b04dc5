import type { Config } from './config.js';

/** Host names that only this machine can reach. */
function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** Settings that work but leave something open; said once at start, by whoever it concerns. */
export function securityWarnings(config: Config, role: 'sender' | 'http'): string[] {
  const out: string[] = [];
  if (config.insecureSecret && role === 'sender')
    out.push(
      'SECRET is not set: subscriber links are signed with the development secret, which anyone can read in the source',
    );
  if (role === 'http' && !config.metricsToken && !isLoopback(config.host))
    out.push(
      `METRICS_TOKEN is not set and the server listens on ${config.host}: /metrics is public; set METRICS_TOKEN or keep the port private`,
    );
  return out;
}

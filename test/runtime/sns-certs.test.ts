import { describe, expect, it } from 'vitest';
import { createSnsCertCache, isSnsUrl } from '../../src/runtime/sns-certs.js';

describe('SNS certificate URLs', () => {
  it('only https on sns.<region>.amazonaws.com by default', () => {
    expect(isSnsUrl('https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-abc.pem')).toBe(
      true,
    );
    expect(isSnsUrl('https://sns.cn-north-1.amazonaws.com.cn/x.pem')).toBe(true);
    for (const url of [
      'http://sns.eu-west-1.amazonaws.com/x.pem',
      'https://sns.eu-west-1.amazonaws.com.evil.example/x.pem',
      'https://evil.example/sns.eu-west-1.amazonaws.com/x.pem',
      'https://sns.eu-west-1.amazonaws.com@evil.example/x.pem',
      'https://user:pw@sns.eu-west-1.amazonaws.com/x.pem',
      'https://s3.amazonaws.com/x.pem',
      'not a url',
    ])
      expect(isSnsUrl(url), url).toBe(false);
  });

  it('does not keep a failed fetch: the next message tries again', async () => {
    const calls: string[] = [];
    const cache = createSnsCertCache(async (url) => {
      calls.push(url);
      throw new Error('unreachable');
    });
    await expect(cache.get('https://sns.x.amazonaws.com/a.pem')).rejects.toThrow('unreachable');
    await expect(cache.get('https://sns.x.amazonaws.com/a.pem')).rejects.toThrow('unreachable');
    expect(calls).toHaveLength(2);
  });
});

import { describe, expect, it } from 'vitest';
import { parseVerpAddress, verpAddress } from '../../../src/domain/mail/verp.js';

const SECRET = 'verp-test-secret-0123456789abcdefgh';

describe('VERP return paths', () => {
  it('names the edition and the subscriber, within 64 octets of local part', () => {
    const address = verpAddress('2026-02-10', '0123456789abcdef', 'bounces.news.example', SECRET);
    expect(address).toMatch(
      /^bounces\+2026-02-10\.0123456789abcdef\.[0-9a-f]{20}@bounces\.news\.example$/,
    );
    expect(address.split('@')[0]!.length).toBeLessThanOrEqual(64);
    expect(parseVerpAddress(address, SECRET)).toEqual({
      editionId: '2026-02-10',
      subscriberId: '0123456789abcdef',
    });
    // A relay that upper-cases the local part changes nothing.
    expect(parseVerpAddress(address.toUpperCase(), SECRET)).toEqual({
      editionId: '2026-02-10',
      subscriberId: '0123456789abcdef',
    });
  });

  it('ids outside the safe alphabet round-trip through hex', () => {
    for (const [e, s] of [
      ['Edition 7', 'SUB.1'],
      ['x', 'x41'],
      ['2026-02-10', 'ab+cd'],
    ] as const) {
      expect(parseVerpAddress(verpAddress(e, s, 'b.example', SECRET), SECRET)).toEqual({
        editionId: e,
        subscriberId: s,
      });
    }
  });

  it('a forged or altered token, another secret or not a VERP address: undefined', () => {
    const address = verpAddress('2026-02-10', '0123456789abcdef', 'b.example', SECRET);
    expect(parseVerpAddress(address.replace('0123456789abcdef', '0123456789abcdee'), SECRET)).toBe(
      undefined,
    );
    expect(parseVerpAddress(address, `${SECRET}x`)).toBe(undefined);
    expect(parseVerpAddress('digest@news.example', SECRET)).toBe(undefined);
  });
});

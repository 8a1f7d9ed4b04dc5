import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidTokenError } from '../../src/runtime/errors.js';
import { signToken, verifyToken, type TokenPurpose } from '../../src/domain/mail/tokens.js';
import { recordAbuse } from './support/abuse.js';

const SECRET = 'fault-suite-secret-that-is-long-enough';
const RUNS = 10_000;
const PURPOSES: TokenPurpose[] = ['confirm', 'unsubscribe', 'preferences'];
const NOW = new Date('2026-06-01T00:00:00Z');
const nowSeconds = NOW.getTime() / 1000;

const claims = fc.record({
  sub: fc.string({ minLength: 1, maxLength: 40 }),
  purpose: fc.constantFrom(...PURPOSES),
  exp: fc.option(fc.integer({ min: nowSeconds + 1, max: nowSeconds + 10 ** 8 }), {
    nil: undefined,
  }),
});

/** Throws exactly InvalidTokenError (a 4xx for the routes), nothing else, for `token`. */
function rejected(token: unknown, purpose: TokenPurpose, secret = SECRET): boolean {
  try {
    verifyToken(token, purpose, secret, NOW);
    return false;
  } catch (err) {
    if (!(err instanceof InvalidTokenError)) throw err;
    return true;
  }
}

describe('subscriber tokens under attack', () => {
  it(`altered anywhere (one character, ${RUNS} cases): rejected`, () => {
    const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=.!% \n';
    fc.assert(
      fc.property(claims, fc.nat(), fc.constantFrom(...chars), (c, at, ch) => {
        const token = signToken(c, SECRET);
        const i = at % token.length;
        const altered = token.slice(0, i) + ch + token.slice(i + 1);
        fc.pre(altered !== token);
        expect(rejected(altered, c.purpose)).toBe(true);
      }),
      { numRuns: RUNS },
    );
    recordAbuse('token altered by one character', RUNS);
  });

  it(`truncated or extended (${RUNS} cases): rejected`, () => {
    fc.assert(
      fc.property(claims, fc.nat(), fc.string({ minLength: 1, maxLength: 8 }), (c, cut, tail) => {
        const token = signToken(c, SECRET);
        expect(rejected(token.slice(0, cut % token.length), c.purpose)).toBe(true);
        expect(rejected(token + tail, c.purpose)).toBe(true);
      }),
      { numRuns: RUNS },
    );
    recordAbuse('token truncated or extended', RUNS);
  });

  it('for another purpose, another secret (a forgery), or expired: rejected; genuine: accepted', () => {
    fc.assert(
      fc.property(
        claims,
        fc.constantFrom(...PURPOSES),
        fc.integer({ min: 0, max: nowSeconds }),
        (c, other, past) => {
          const token = signToken(c, SECRET);
          expect(verifyToken(token, c.purpose, SECRET, NOW).sub).toBe(c.sub);
          if (other !== c.purpose) expect(rejected(token, other)).toBe(true);
          expect(rejected(signToken(c, `${SECRET}-forged`), c.purpose)).toBe(true);
          expect(rejected(signToken({ ...c, exp: past }, SECRET), c.purpose)).toBe(true);
        },
      ),
      { numRuns: RUNS },
    );
    recordAbuse('token for another purpose, forged, or expired', RUNS);
  });

  it(`arbitrary input (${RUNS} cases): InvalidTokenError and nothing else`, () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 600, unit: 'grapheme' }),
          fc.string({ maxLength: 80, unit: fc.constantFrom('a', 'Z', '0', '-', '_', '.', '=') }),
          fc.anything(),
        ),
        fc.constantFrom(...PURPOSES),
        (input, purpose) => {
          expect(rejected(input, purpose)).toBe(true);
        },
      ),
      { numRuns: RUNS },
    );
    recordAbuse('token: arbitrary input', RUNS);
  });
});

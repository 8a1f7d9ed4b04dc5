import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isValidAddress } from '../../../src/domain/mail/headers.js';
import { InvalidSubscriberError } from '../../../src/runtime/errors.js';
import { normalizeEmail } from '../../../src/stores/subscribers/index.js';
import {
  cleanName,
  normalizeTimeZone,
  parseStatus,
} from '../../../src/domain/subscribers/validate.js';

const thrown = (fn: () => unknown): InvalidSubscriberError => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidSubscriberError);
    return err as InvalidSubscriberError;
  }
  throw new Error('expected an InvalidSubscriberError');
};

describe('normalizeEmail', () => {
  it('accepts nothing the composer cannot write (one rule for add, import, signup and send)', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.emailAddress(),
          fc.string({ unit: 'grapheme', maxLength: 40 }),
          fc
            .tuple(fc.string({ unit: 'grapheme', maxLength: 12 }), fc.domain())
            .map(([l, d]) => `${l}@${d}`),
        ),
        (raw) => {
          let stored: string | undefined;
          try {
            stored = normalizeEmail(raw);
          } catch (err) {
            expect(err).toBeInstanceOf(InvalidSubscriberError);
          }
          if (stored !== undefined) expect(isValidAddress(stored), stored).toBe(true);
        },
      ),
      { numRuns: 5000 },
    );
  });

  it.each([
    ['  Ann.Lee@Example.COM \n', 'ann.lee@example.com'],
    ["O'Brien@example.com", "o'brien@example.com"],
    ['first+tag@mail.example.org', 'first+tag@mail.example.org'],
    ['x@a-b.example', 'x@a-b.example'],
    // An international domain is kept in the ASCII form every server takes.
    ['jose@Bücher.de', 'jose@xn--bcher-kva.de'],
    [`${'a'.repeat(64)}@example.com`, `${'a'.repeat(64)}@example.com`],
  ])('keeps %j as %j', (raw, expected) => {
    expect(normalizeEmail(raw)).toBe(expected);
  });

  it.each([
    ['', /empty/],
    ['   ', /empty/],
    ['ann.example.com', /no @/],
    ['a@b@example.com', /more than one @/],
    ['@example.com', /nothing before the @/],
    ['ann@', /nothing after the @/],
    ['ann lee@example.com', /whitespace or control/],
    ['ann@example.com\r\nBcc: x@evil.test', /whitespace or control/],
    ['ann\u0000@example.com', /whitespace or control/],
    ['<ann@example.com>', /one of </],
    ['"ann"@example.com', /one of </],
    ['ann,bob@example.com', /one of </],
    ['ann;bob@example.com', /one of </],
    [`${'a'.repeat(65)}@example.com`, /65 characters; the limit is 64/],
    [
      `a@${'b'.repeat(60)}.${'c'.repeat(60)}.${'d'.repeat(60)}.${'e'.repeat(70)}.com`,
      /limit is 254/,
    ],
    ['ann@localhost', /has no dot/],
    ['ann@-example.com', /not a valid host name/],
    ['ann@example..com', /not a valid host name/],
    ['ann@exa_mple.com', /not a valid host name/],
    ['ann@10.0.0.1', /ends in a number/],
    ['.ann@example.com', /dot/],
    // The composer cannot write these without SMTPUTF8: refused at the door, not at send time.
    ['josé@bücher.de', /outside ASCII; mail to it needs SMTPUTF8/],
    ['用户@example.com', /outside ASCII/],
    ['ann..lee@example.com', /dot/],
  ])('refuses %j, naming the address and the fault', (raw, fault) => {
    const err = thrown(() => normalizeEmail(raw));
    expect(err.message).toMatch(fault);
    expect(err.message).toContain(`invalid email address ${JSON.stringify(raw).slice(0, 40)}`);
  });
});

describe('cleanName', () => {
  it('trims, drops control and bidi characters, joins lines, and makes empty null', () => {
    expect(cleanName('  Ann \r\n Lee\t')).toBe('Ann Lee');
    expect(cleanName('Ann\u202eeeL')).toBe('Ann eeL');
    expect(cleanName('\u0007')).toBeNull();
    expect(cleanName('')).toBeNull();
    expect(cleanName(undefined)).toBeNull();
  });

  it('refuses a name over 100 characters', () => {
    expect(cleanName('é'.repeat(100))).toHaveLength(100);
    expect(thrown(() => cleanName('x'.repeat(101))).message).toMatch(
      /101 characters.*limit is 100/,
    );
  });
});

describe('normalizeTimeZone', () => {
  it('accepts IANA names, fixing their case, and makes empty null', () => {
    expect(normalizeTimeZone('Europe/Paris')).toBe('Europe/Paris');
    expect(normalizeTimeZone(' europe/paris ')).toBe('Europe/Paris');
    expect(normalizeTimeZone('UTC')).toBe('UTC');
    expect(normalizeTimeZone('America/Argentina/Buenos_Aires')).toBe(
      'America/Argentina/Buenos_Aires',
    );
    expect(normalizeTimeZone('')).toBeNull();
    expect(normalizeTimeZone(null)).toBeNull();
  });

  it.each(['Mars/Olympus', '+02:00', 'Europe/Paris; rm -rf', 'GMT+2x'])('refuses %j', (tz) => {
    expect(thrown(() => normalizeTimeZone(tz)).message).toContain(JSON.stringify(tz));
  });
});

describe('parseStatus', () => {
  it('knows the four statuses and names the others', () => {
    expect(parseStatus('bounced')).toBe('bounced');
    expect(thrown(() => parseStatus('deleted')).message).toMatch(/"deleted".*pending, active/);
  });
});

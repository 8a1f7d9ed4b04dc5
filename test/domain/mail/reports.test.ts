import { describe, expect, it } from 'vitest';
import { bounceKind, parseReport } from '../../../src/domain/mail/reports.js';
import { MalformedReportError } from '../../../src/runtime/errors.js';

const multipart = (type: string, parts: [string, string][]) =>
  [
    `Content-Type: multipart/report; report-type=${type}; boundary=B1`,
    '',
    ...parts.flatMap(([ct, body]) => ['--B1', `Content-Type: ${ct}`, '', body]),
    '--B1--',
    '',
  ].join('\r\n');

describe('DSN and ARF parsing', () => {
  it('a DSN with two recipients: per-recipient fields, folded Diagnostic-Code, returned Message-ID', () => {
    const r = parseReport(
      multipart('delivery-status', [
        ['text/plain', 'Sorry.'],
        [
          'message/delivery-status',
          'Reporting-MTA: dns; mx.example.org\r\n\r\nFinal-Recipient: rfc822; A@Example.org\r\nAction: failed\r\nStatus: 5.1.1\r\nDiagnostic-Code: smtp; 550 5.1.1\r\n  no such user\r\n\r\nFinal-Recipient: rfc822;b@example.org\r\nAction: delayed\r\nStatus: 4.4.7',
        ],
        ['message/rfc822', 'Message-ID: <abc.2026-02-10@news.example>\r\nSubject: x\r\n\r\nbody'],
      ]),
    );
    expect(r).toEqual({
      kind: 'dsn',
      recipients: [
        {
          action: 'failed',
          status: '5.1.1',
          finalRecipient: 'a@example.org',
          diagnostic: 'smtp; 550 5.1.1 no such user',
        },
        { action: 'delayed', status: '4.4.7', finalRecipient: 'b@example.org' },
      ],
      original: { messageId: '<abc.2026-02-10@news.example>' },
    });
    if (r.kind !== 'dsn') throw new Error('dsn');
    expect(r.recipients.map(bounceKind)).toEqual(['hard', undefined]);
    expect(bounceKind({ action: 'failed', status: '4.2.2' })).toBe('soft');
  });

  it('an ARF report: Feedback-Type, Original-Rcpt-To, the returned Return-Path', () => {
    expect(
      parseReport(
        multipart('feedback-report', [
          ['text/plain', 'complaint'],
          [
            'message/feedback-report',
            'Feedback-Type: Abuse\r\nVersion: 1\r\nOriginal-Rcpt-To: <c@example.org>',
          ],
          ['text/rfc822-headers', 'Return-Path: <bounces+e.s.0123@b.example>\r\nFrom: x@y'],
        ]),
      ),
    ).toEqual({
      kind: 'arf',
      feedbackType: 'abuse',
      originalRcptTo: 'c@example.org',
      original: { returnPath: 'bounces+e.s.0123@b.example' },
    });
  });

  it('anything else is a MalformedReportError, never a crash', () => {
    for (const raw of [
      'Subject: hi\r\n\r\ntext',
      'Content-Type: multipart/report\r\n\r\n--x--',
      multipart('delivery-status', [['message/delivery-status', 'Reporting-MTA: dns; x']]),
      multipart('feedback-report', [['message/feedback-report', 'Version: 1']]),
      multipart('other', [['text/plain', 'x']]),
      '',
    ]) {
      expect(() => parseReport(raw)).toThrow(MalformedReportError);
    }
  });
});

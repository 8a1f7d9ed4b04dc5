/** DSN and ARF reports of our own writing, in RFC 3464's and RFC 5965's shapes. */

const CRLF = '\r\n';

/** A multipart/report: a human part, the machine part, and the returned headers if given. */
export function report(
  type: 'delivery-status' | 'feedback-report',
  machine: string,
  returned?: string,
  opts: { headers?: string[] } = {},
): string {
  const b = 'rep0rt-b0undary';
  return [
    ...(opts.headers ?? []),
    'From: MAILER-DAEMON@mx.example.org',
    'To: bounces@bounces.news.example',
    'Subject: report',
    'MIME-Version: 1.0',
    `Content-Type: multipart/report; report-type=${type};${CRLF}\tboundary="${b}"`,
    '',
    `--${b}`,
    'Content-Type: text/plain',
    '',
    'A message could not be delivered, or someone complained.',
    `--${b}`,
    `Content-Type: message/${type}`,
    '',
    machine,
    ...(returned ? [`--${b}`, 'Content-Type: text/rfc822-headers', '', returned] : []),
    `--${b}--`,
    '',
  ].join(CRLF);
}

/** A DSN about one recipient: `failed` with a 5.x.x status is a hard bounce. */
export const dsn = (
  recipient: string,
  action: string,
  status: string,
  opts: { headers?: string[] } = {},
) =>
  report(
    'delivery-status',
    [
      'Reporting-MTA: dns; mx.example.org',
      '',
      `Final-Recipient: rfc822; ${recipient}`,
      `Action: ${action}`,
      `Status: ${status}`,
      `Diagnostic-Code: smtp; ${status.startsWith('5') ? '550' : '452'} ${status} mailbox trouble`,
    ].join(CRLF),
    undefined,
    opts,
  );

/** An abuse complaint naming its recipient, with the original's headers when given. */
export const arf = (recipient: string | undefined, returned?: string) =>
  report(
    'feedback-report',
    [
      'Feedback-Type: abuse',
      'User-Agent: ExampleFBL/1.0',
      'Version: 1',
      ...(recipient ? [`Original-Rcpt-To: <${recipient}>`] : []),
    ].join(CRLF),
    returned,
  );

/** Not a report at all: kept for an operator. */
export const notAReport = `Subject: hello${CRLF}${CRLF}just text${CRLF}`;

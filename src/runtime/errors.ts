/** Errors a caller handles by name. Each carries what a person needs to fix the input. */

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** The input file cannot become an Article; `file:line: message` is what the CLI prints. */
export class InvalidArticleError extends Error {
  override readonly name = 'InvalidArticleError';
  constructor(
    readonly file: string,
    readonly reason: string,
    readonly line?: number,
  ) {
    super(`${file}${line ? `:${line}` : ''}: ${reason}`);
  }
}

/** A row, form or argument that names a subscriber badly (address, zone, status). */
export class InvalidSubscriberError extends Error {
  override readonly name = 'InvalidSubscriberError';
  constructor(
    message: string,
    /** Which input was wrong, so that a form can say so without reading the message. */
    readonly field: 'email' | 'name' | 'tz' | 'status' = 'email',
  ) {
    super(message);
  }
}

/** A CSV file that cannot be read as rows (no header, no `email` column); `file:line: reason`. */
export class InvalidCsvError extends Error {
  override readonly name = 'InvalidCsvError';
  constructor(
    readonly file: string,
    readonly reason: string,
    readonly line?: number,
  ) {
    super(`${file}${line ? `:${line}` : ''}: ${reason}`);
  }
}

export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
}

/** The SMTP server refused for good (5xx): retrying cannot help. */
export class PermanentDeliveryError extends Error {
  override readonly name = 'PermanentDeliveryError';
  constructor(
    message: string,
    readonly responseCode?: number,
  ) {
    super(message);
  }
}

/** The message may have been delivered (the connection dropped after the data was handed over). */
export class UncertainDeliveryError extends Error {
  override readonly name = 'UncertainDeliveryError';
}

export class InvalidTokenError extends Error {
  override readonly name = 'InvalidTokenError';
  constructor(
    message: string,
    /** `expired` is the one a reader can fix by asking again; the others mean a damaged link. */
    readonly reason: 'malformed' | 'forged' | 'purpose' | 'expired' = 'malformed',
  ) {
    super(message);
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Inbound mail that is neither a DSN (RFC 3464) nor an ARF report (RFC 5965) we can read. */
export class MalformedReportError extends Error {
  override readonly name = 'MalformedReportError';
}

import { PermanentDeliveryError, UncertainDeliveryError } from '../errors.js';

/** A failure worth another try later: 4xx replies and network trouble before the data went out. */
export class TransientDeliveryError extends Error {
  override readonly name = 'TransientDeliveryError';
  constructor(
    message: string,
    readonly responseCode?: number,
    /** 421/451: the server asks us to slow down. */
    readonly throttle = false,
  ) {
    super(message);
  }
}

export type DeliveryError =
  PermanentDeliveryError | TransientDeliveryError | UncertainDeliveryError;

/**
 * By SMTP reply code (not by nodemailer's err.code, which names the stage, not the verdict):
 * 5xx is permanent; 4xx transient (421/451 also throttle); no reply at all is transient when the
 * message had not been handed over yet, and uncertain once it had.
 */
export function classifySendError(err: unknown, handedOver: boolean): DeliveryError {
  const e = err as {
    responseCode?: unknown;
    response?: unknown;
    message?: unknown;
    code?: unknown;
  };
  const code = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  const text = oneLine(
    typeof e.response === 'string' && e.response ? e.response : String(e.message ?? err),
  );
  if (code !== undefined && code >= 500 && code < 600)
    return new PermanentDeliveryError(text, code);
  if (code !== undefined && code >= 400 && code < 500) {
    return new TransientDeliveryError(text, code, code === 421 || code === 451);
  }
  if (handedOver) {
    return new UncertainDeliveryError(`connection lost after the message was handed over: ${text}`);
  }
  return new TransientDeliveryError(`${typeof e.code === 'string' ? `${e.code}: ` : ''}${text}`);
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim().slice(0, 300);
}

/** What the SMTP sink child does with each message; every field is optional (default: accept). */
export interface SinkBehaviour {
  /** Hold every reply to "." this long (a slow server). */
  replyDelayMs?: number;
  /** Answer `code` to the data of the first `first` messages (421/451 throttling, 450). */
  tempFail?: { first: number; code: number; message: string };
  /** Refuse RCPT TO for addresses containing `match` (550 for unknown users). */
  rcpt?: { match: string; code: number; message: string }[];
  /** Drop the connection instead of replying to "." for recipients containing one of these. */
  dropAfterData?: string[];
  /** Never reply to "." until released (a stalled server). */
  stallAfterData?: boolean;
}

export type SinkCommand =
  { t: 'set'; behaviour: SinkBehaviour } | { t: 'release' } | { t: 'close' };

export type SinkEvent =
  | { t: 'listening'; port: number }
  | { t: 'msg'; to: string; id: string }
  | { t: 'dropped'; to: string; id: string }
  | { t: 'stalled'; to: string; id: string }
  | { t: 'refused'; to: string; code: number; id?: string }
  | { t: 'error'; message: string };

import { createVerify, type X509Certificate } from 'node:crypto';

/** An Amazon SNS HTTP(S) message, as the subscription endpoint receives it. */
export interface SnsMessage {
  Type: 'SubscriptionConfirmation' | 'Notification' | 'UnsubscribeConfirmation';
  MessageId: string;
  TopicArn: string;
  Message: string;
  Timestamp: string;
  SignatureVersion: '1' | '2';
  Signature: string;
  SigningCertURL: string;
  Subject?: string;
  SubscribeURL?: string;
  Token?: string;
  UnsubscribeURL?: string;
}

/**
 * The string SNS signs: `name\nvalue\n` for the documented fields in byte order of their names;
 * Subject only when present (Notification), SubscribeURL and Token for the two confirmations.
 */
export function snsStringToSign(m: SnsMessage): string {
  const names =
    m.Type === 'Notification'
      ? ['Message', 'MessageId', ...(m.Subject !== undefined ? ['Subject'] : []), 'Timestamp']
      : ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token'];
  return [...names, 'TopicArn', 'Type']
    .map((name) => `${name}\n${String(m[name as keyof SnsMessage] ?? '')}\n`)
    .join('');
}

/** SignatureVersion 1 is SHA1withRSA, 2 SHA256withRSA; the certificate must be valid today. */
export function verifySnsSignature(
  m: SnsMessage,
  cert: X509Certificate,
  now = new Date(),
): boolean {
  if (now < new Date(cert.validFrom) || now > new Date(cert.validTo)) return false;
  return createVerify(m.SignatureVersion === '1' ? 'RSA-SHA1' : 'RSA-SHA256')
    .update(snsStringToSign(m), 'utf8')
    .verify(cert.publicKey, m.Signature, 'base64');
}

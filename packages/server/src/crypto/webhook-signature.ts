/**
 * The `x-cognate-signature` header Cognate puts on the webhooks it calls (SMS delivery, triggers):
 * `t=<unix seconds>,v1=<lower-case hex HMAC-SHA256(secret, "<t>.<raw body>")>`.
 * A receiver recomputes v1 over the exact bytes received, compares in constant time and refuses
 * timestamps far from its own clock.
 */
import { createHmac } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-cognate-signature';

export function webhookSignature(secret: string, body: string, epochSeconds: number): string {
  const v1 = createHmac('sha256', secret).update(`${epochSeconds}.${body}`, 'utf8').digest('hex');
  return `t=${epochSeconds},v1=${v1}`;
}

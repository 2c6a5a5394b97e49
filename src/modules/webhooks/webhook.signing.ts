import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

/** A new endpoint secret in the Standard Webhooks format: whsec_ and 32 random bytes, base64. */
export const newSecret = (): string => `whsec_${randomBytes(32).toString('base64')}`;

/**
 * The Standard Webhooks headers (HubSpot v3 and Svix sign the same way): webhook-id (the same on every retry, for
 * the receiver's deduplication), webhook-timestamp (Unix seconds) and webhook-signature, v1 = base64 HMAC-SHA256
 * over `${id}.${timestamp}.${body}` with the endpoint's secret.
 */
export function signedHeaders(secret: string, id: string, at: Date, body: string): Record<string, string> {
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(id, at, body),
    'user-agent': 'revenue-funnel-api-webhooks/1',
  };
}

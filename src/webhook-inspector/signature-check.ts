import { Webhook } from 'standardwebhooks';

/** An endpoint that points at the inspector, with the secrets that sign its deliveries now. */
export interface SigningEndpoint {
  id: string;
  secrets: string[];
}

export interface SignatureCheck {
  valid: boolean;
  /** `valid`; `invalid` (signed, but by none of the secrets, or too old); `unsigned`; `no_endpoint` to check with. */
  status: 'valid' | 'invalid' | 'unsigned' | 'no_endpoint';
  /** The endpoint whose secret matched. */
  endpointId: string | null;
  detail: string;
}

/**
 * The Standard Webhooks check a receiver makes (HMAC over `id.timestamp.body`, timestamp within 5 minutes),
 * against the secrets of every endpoint that delivers to the inspector: valid if any of them signed the request.
 */
export function checkSignature(
  rawBody: Buffer,
  headers: Record<string, string | undefined>,
  endpoints: SigningEndpoint[],
): SignatureCheck {
  const id = headers['webhook-id'];
  const timestamp = headers['webhook-timestamp'];
  const signature = headers['webhook-signature'];
  if (!id || !timestamp || !signature) {
    return {
      valid: false,
      status: 'unsigned',
      endpointId: null,
      detail: 'No Standard Webhooks signature headers',
    };
  }
  if (!endpoints.length) {
    return {
      valid: false,
      status: 'no_endpoint',
      endpointId: null,
      detail: 'No webhook endpoint delivers to this inspector URL, so there is no secret to check with',
    };
  }
  let detail = 'No matching signature found';
  for (const endpoint of endpoints) {
    for (const secret of endpoint.secrets) {
      try {
        new Webhook(secret).verify(rawBody, {
          'webhook-id': id,
          'webhook-timestamp': timestamp,
          'webhook-signature': signature,
        });
        return {
          valid: true,
          status: 'valid',
          endpointId: endpoint.id,
          detail: `Signed with the secret of ${endpoint.id}`,
        };
      } catch (err) {
        if (!/No matching signature/.test((err as Error).message)) detail = (err as Error).message;
      }
    }
  }
  return { valid: false, status: 'invalid', endpointId: null, detail };
}

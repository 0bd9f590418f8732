import type { SignatureCheck } from './signature-check';

/** Requests kept in all (the oldest go first), and the part of each body kept. */
export const INSPECTOR_MAX_REQUESTS = 100;
export const INSPECTOR_MAX_BODY_BYTES = 64 * 1024;
const MAX_HEADERS = 50;
const MAX_HEADER_CHARS = 1000;

export interface InspectedRequest {
  id: string;
  bin: string;
  receivedAt: string;
  method: string;
  contentType: string | null;
  /** The event type (`type` of a gateway event body), when the body has one. */
  eventType: string | null;
  webhookId: string | null;
  headers: Record<string, string>;
  /** The body as text, cut at INSPECTOR_MAX_BODY_BYTES. */
  body: string;
  bodyBytes: number;
  truncated: boolean;
  signature: SignatureCheck;
}

export interface IncomingRequest {
  bin: string;
  method: string;
  headers: Record<string, string | string[] | undefined>;
  rawBody: Buffer;
  signature: SignatureCheck;
  receivedAt?: Date;
}

/** The last requests the webhook inspector received, in memory, bounded in count and size. */
export class InspectorStore {
  private readonly requests: InspectedRequest[] = [];
  private seq = 0;

  constructor(
    private readonly maxRequests = INSPECTOR_MAX_REQUESTS,
    private readonly maxBodyBytes = INSPECTOR_MAX_BODY_BYTES,
  ) {}

  record(incoming: IncomingRequest): InspectedRequest {
    const headers = boundedHeaders(incoming.headers);
    const truncated = incoming.rawBody.length > this.maxBodyBytes;
    const body = incoming.rawBody.subarray(0, this.maxBodyBytes).toString('utf8');
    const entry: InspectedRequest = {
      id: `req_${Date.now().toString(36)}${(++this.seq).toString(36).padStart(4, '0')}`,
      bin: incoming.bin,
      receivedAt: (incoming.receivedAt ?? new Date()).toISOString(),
      method: incoming.method,
      contentType: headers['content-type'] ?? null,
      eventType: truncated ? null : eventTypeOf(body),
      webhookId: headers['webhook-id'] ?? null,
      headers,
      body,
      bodyBytes: incoming.rawBody.length,
      truncated,
      signature: incoming.signature,
    };
    this.requests.push(entry);
    if (this.requests.length > this.maxRequests)
      this.requests.splice(0, this.requests.length - this.maxRequests);
    return entry;
  }

  /** The requests of one bin, newest first. */
  list(bin: string, limit = this.maxRequests): InspectedRequest[] {
    const out: InspectedRequest[] = [];
    for (let i = this.requests.length - 1; i >= 0 && out.length < limit; i--) {
      if (this.requests[i].bin === bin) out.push(this.requests[i]);
    }
    return out;
  }

  /** Forgets the requests of one bin; returns how many. */
  clear(bin: string): number {
    const before = this.requests.length;
    const kept = this.requests.filter((r) => r.bin !== bin);
    this.requests.splice(0, this.requests.length, ...kept);
    return before - kept.length;
  }
}

function boundedHeaders(raw: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw).slice(0, MAX_HEADERS)) {
    if (value === undefined) continue;
    const text = Array.isArray(value) ? value.join(', ') : value;
    out[name.toLowerCase()] = text.length > MAX_HEADER_CHARS ? `${text.slice(0, MAX_HEADER_CHARS)}…` : text;
  }
  return out;
}

function eventTypeOf(body: string): string | null {
  try {
    const parsed: unknown = JSON.parse(body);
    const type = (parsed as { type?: unknown } | null)?.type;
    return typeof type === 'string' ? type.slice(0, 100) : null;
  } catch {
    return null;
  }
}

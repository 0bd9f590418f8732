import { checkExamples, errorResponses, validateOpenApi } from '../support/openapi-examples';
import { startTestApp, TestApp } from '../support/test-app';

const SEND = '/api/sessions/{session}/messages';

/**
 * Properties typed as a bare object (a `string | null` field without `type` in its decorator): Swagger UI shows
 * them as `{}`, and their examples do not match.
 */
function untypedProperties(doc: any): string[] {
  const out: string[] = [];
  for (const [name, schema] of Object.entries<any>(doc.components.schemas)) {
    for (const [prop, s] of Object.entries<any>(schema.properties ?? {})) {
      const bare = s.type === 'object' && !s.properties && !s.additionalProperties && !s.allOf;
      if (bare || (!s.type && !s.$ref && !s.allOf && !s.oneOf && !s.anyOf && !s.enum))
        out.push(`${name}.${prop}`);
    }
  }
  return out;
}

describe.each<[string, Record<string, string>]>([
  ['normal', {}],
  ['sandbox', { SANDBOX: 'true' }],
])('OpenAPI document (%s mode)', (_mode, env) => {
  let t: TestApp;
  let doc: any;

  beforeAll(async () => {
    t = await startTestApp(env);
    doc = (await t.http().get('/docs-json').expect(200)).body;
  });
  afterAll(() => t?.close());

  it('is a valid OpenAPI document', () => {
    const result = validateOpenApi(doc);
    expect(result.errors).toBeNull();
    expect(result.valid).toBe(true);
    expect(result.version).toBe('3.0');
  });

  it('shows only examples that match their schemas', () => {
    const { checked, problems } = checkExamples(doc);
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThan(100);
  });

  it('gives every error response its own description and an example of its status', () => {
    const errors = errorResponses(doc);
    expect(errors.length).toBeGreaterThan(50);
    for (const { at, code, response } of errors) {
      if (at === 'GET /health') continue; // @nestjs/terminus's shape, checked below
      const media = response.content?.['application/json'];
      const where = `${at} ${code}`;
      expect({ where, schema: media?.schema?.$ref }).toEqual({
        where,
        schema: '#/components/schemas/ErrorResponse',
      });
      const example = media.example ?? Object.values<any>(media.examples ?? {})[0]?.value;
      expect({ where, hasExample: !!example?.error }).toEqual({ where, hasExample: true });
      expect({ where, description: response.description.length > 3 }).toEqual({ where, description: true });
      if (code !== '400') {
        expect({ where, error: example.error }).not.toEqual({ where, error: 'Validation failed' });
      }
    }
    const send = doc.paths[SEND].post.responses;
    expect(send['401'].content['application/json'].example.error).toBe('Unauthorized');
    expect(send['404'].content['application/json'].example.error).toBe('Session not found');
    expect(send['413'].content['application/json'].example.error).toBe('Payload too large');
    expect(send['429'].content['application/json'].example.error).toBe('Too many requests');
    const seedSend = doc.paths['/api/whatsapp/send'].post.responses;
    expect(seedSend['503'].content['application/json'].example.error).toBe('WhatsApp not connected');
    expect(seedSend['504'].content['application/json'].example.error).toBe('Send timed out');
    expect(send['401'].description).not.toBe(send['404'].description);
    // Each route's error says what its service throws.
    const example = (path: string, method: string, code: string) =>
      doc.paths[path][method].responses[code].content['application/json'].example.error;
    expect(example('/api/auto-reply-rules/{id}', 'get', '404')).toBe('Auto-reply rule not found');
    expect(example('/api/webhook-endpoints/{id}', 'get', '404')).toBe('Webhook endpoint not found');
    expect(example('/api/webhook-deliveries/{id}/retry', 'post', '409')).toBe('Delivery in progress');
    expect(example('/api/sessions', 'post', '409')).toBe('Session exists');
    expect(example('/api/sessions/{id}/qr.png', 'get', '404')).toBe('Session not found');
    const health = doc.paths['/health'].get.responses['503'].content['application/json'];
    expect(health.schema.$ref).toBe('#/components/schemas/HealthView');
    expect(health.example).toMatchObject({ status: 'error', error: { whatsapp: { status: 'down' } } });
  });

  it('documents the send operation as it behaves', () => {
    const op = doc.paths[SEND].post;
    const headers = op.parameters.filter((p: any) => p.in === 'header');
    expect(headers).toEqual([expect.objectContaining({ name: 'Idempotency-Key', required: false })]);
    const accepted = op.responses['202'].content['application/json'];
    const example = accepted.example;
    expect(example).toMatchObject({ direction: 'out', fromMe: true, status: 'queued', source: 'api' });
    expect(example.sentAt).toBeNull();
  });

  it('types every property (nullable dates as date-time strings)', () => {
    expect(untypedProperties(doc)).toEqual([]);
    const sentAt = doc.components.schemas.MessageView.properties.sentAt;
    expect(sentAt).toMatchObject({ type: 'string', format: 'date-time', nullable: true });
  });

  it('lists its tags in order, each described', () => {
    const names = doc.tags.map((tag: any) => tag.name);
    expect(names.slice(0, 3)).toEqual(['sessions', 'messages', 'webhooks']);
    for (const tag of doc.tags) expect(tag.description).toBeTruthy();
    const used = new Set<string>();
    for (const item of Object.values<any>(doc.paths))
      for (const op of Object.values<any>(item)) for (const tag of op.tags ?? []) used.add(tag);
    for (const tag of used) expect(names).toContain(tag);
  });

  it('keeps the contact-card message schema (the sandbox has its own name for its DTO)', () => {
    const card = doc.components.schemas.ContactMessageDto;
    expect(card.properties.contact).toBeDefined();
    expect(card.properties.type.enum ?? [card.properties.type.example]).toContain('contact');
    if (env.SANDBOX) {
      const sandbox = doc.paths['/api/sandbox/contacts/{phone}/messages'].post.requestBody.content;
      const ref = sandbox['application/json'].schema.$ref as string;
      expect(ref).not.toBe('#/components/schemas/ContactMessageDto');
      expect(doc.components.schemas[ref.split('/').pop()!].properties.text).toBeDefined();
    }
  });
});

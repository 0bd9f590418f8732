import { EventBus } from '../../../src/events/event-bus';
import { DomainEvent, EventType, newEvent } from '../../../src/events/domain-event';
import type { TestApp } from '../../support/test-app';

/** Publishes an event through the real EventBus (outbox + in-process), as the messaging module does. */
export async function publish(
  t: TestApp,
  type: EventType,
  data: unknown,
  session: string | null = 'default',
): Promise<DomainEvent> {
  const event = newEvent(type, session, data);
  await t.app.get(EventBus).publish(event);
  return event;
}

export function api(t: TestApp) {
  const key = t.apiKey;
  return {
    get: (path: string) => t.http().get(path).set('X-API-Key', key),
    post: (path: string, body?: object) =>
      t
        .http()
        .post(path)
        .set('X-API-Key', key)
        .send(body ?? {}),
    patch: (path: string, body: object) => t.http().patch(path).set('X-API-Key', key).send(body),
    delete: (path: string) => t.http().delete(path).set('X-API-Key', key),
  };
}

/** Deletes every webhook endpoint (between tests sharing one app). */
export async function removeAllEndpoints(t: TestApp): Promise<void> {
  const a = api(t);
  const list = await a.get('/api/webhook-endpoints');
  for (const e of list.body) await a.delete(`/api/webhook-endpoints/${e.id}`);
}

export function expectErrorShape(body: any): void {
  expect(Object.keys(body).sort()).toEqual(['details', 'error']);
  expect(typeof body.error).toBe('string');
}

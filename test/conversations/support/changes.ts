import { io, Socket } from 'socket.io-client';
import type { SandboxApp } from '../../support/sandbox-app';
import { waitUntil } from '../../support/wait';
import type { Receiver } from '../../webhooks/support/receiver';

export const DEADLINE = { timeoutMs: 20_000 };

/** The events of one type a real HTTP webhook receiver got, parsed (their `data`). */
export function hooked(receiver: Receiver, type: string): any[] {
  return receiver.requests
    .map((r) => JSON.parse(r.body))
    .filter((e) => e.type === type)
    .map((e) => e.data);
}

/** Waits for the webhook receiver to have an event of `type` whose data matches `where`. */
export function waitForHook(receiver: Receiver, type: string, where: (data: any) => boolean): Promise<any> {
  return waitUntil(() => hooked(receiver, type).find(where), { ...DEADLINE, what: `a ${type} webhook` });
}

/** A Socket.IO client on the app collecting every event of the given types. */
export async function collectSocket(
  t: SandboxApp,
  types: string[],
): Promise<{ socket: Socket; events: any[] }> {
  const events: any[] = [];
  const socket = io(t.url, { auth: { token: t.apiKey }, transports: ['websocket'], reconnection: false });
  for (const type of types) socket.on(type, (e) => events.push({ type, data: e.data }));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return { socket, events };
}

/** Queues a message through the public API and waits until WhatsApp took it; returns its view. */
export async function sendAndWait(t: SandboxApp, body: object): Promise<any> {
  const res = await t.post('/api/sessions/default/messages', body);
  expect(res.status).toBe(202);
  return waitUntil(
    async () => {
      const m = (await t.get(`/api/sessions/default/messages/${res.body.id}`)).body;
      return m.status !== 'queued' && m.status !== 'sending' ? m : null;
    },
    { ...DEADLINE, what: 'the message sent' },
  );
}

/** The stored incoming message with this WhatsApp id, once it is there. */
export function storedIncoming(t: SandboxApp, waMessageId: string): Promise<any> {
  return waitUntil(
    async () => {
      const res = await t.get(`/api/sessions/default/messages/${waMessageId}`);
      return res.status === 200 ? res.body : null;
    },
    { ...DEADLINE, what: `message ${waMessageId} stored` },
  );
}

/** What the sandbox contact has of message `id`, once `ready` holds for it. */
export function contactSees(
  t: SandboxApp,
  contact: string,
  id: string,
  ready: (m: any) => boolean = () => true,
): Promise<any> {
  return waitUntil(() => t.sandbox.received(contact).find((m) => m.id === id && ready(m)), {
    ...DEADLINE,
    what: `message ${id} at ${contact}`,
  });
}

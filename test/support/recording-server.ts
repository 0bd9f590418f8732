import { createServer, IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface RecordingServer {
  url: string;
  /** Every request received, in order, with its whole body. */
  requests: RecordedRequest[];
  /** Requests whose headers arrived (their body may still be coming). */
  arrived: number;
  /** How the next requests are answered. */
  answer: (req: RecordedRequest, res: ServerResponse) => void;
  close: () => Promise<void>;
}

/** A plain HTTP server on a random loopback port that records what it gets and answers as told. */
export async function startRecordingServer(): Promise<RecordingServer> {
  const recording: RecordingServer = {
    url: '',
    requests: [],
    arrived: 0,
    answer: (_req, res) => res.writeHead(204).end(),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    recording.arrived++;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const recorded = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks),
      };
      recording.requests.push(recorded);
      recording.answer(recorded, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  recording.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const close = recording.close;
  recording.close = () => {
    server.closeAllConnections();
    return close();
  };
  return recording;
}

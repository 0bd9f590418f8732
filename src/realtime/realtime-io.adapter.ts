import { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';

/** The options type of the Socket.IO copy Nest's adapter runs (it pins its own version). */
type IoOptions = Parameters<IoAdapter['createIOServer']>[1];

/**
 * Socket.IO on the HTTP server's port, with the same CORS rule as the REST API. The server also serves its
 * matching browser client at `/socket.io/socket.io.esm.min.js` (`serveClient`), which the console imports:
 * no CDN, and client and server versions can never drift apart.
 */
export class RealtimeIoAdapter extends IoAdapter {
  constructor(
    app: INestApplicationContext,
    /** The REST API's CORS origin setting (`false` = same origin only). */
    private readonly corsOrigin: boolean | string[],
  ) {
    super(app);
  }

  override createIOServer(port: number, options?: IoOptions): ReturnType<IoAdapter['createIOServer']> {
    return super.createIOServer(port, {
      ...options,
      serveClient: true,
      // Clients only send small subscribe messages.
      maxHttpBufferSize: 64 * 1024,
      ...(this.corsOrigin ? { cors: { origin: this.corsOrigin } } : {}),
    } as NonNullable<IoOptions>);
  }
}

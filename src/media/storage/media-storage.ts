/** Where incoming media files are kept: a directory (default) or an S3-compatible bucket. The DI token. */
export abstract class MediaStorage {
  /** `directory` or `s3`, for logs and health. */
  abstract readonly kind: string;
  /** Stores the file under `key`, replacing any earlier one. */
  abstract put(key: string, bytes: Buffer, mimetype: string | null): Promise<void>;
  /** The file, or null if there is none under `key`. */
  abstract get(key: string): Promise<Buffer | null>;
  /** Deletes the file; no error if it is already gone. */
  abstract delete(key: string): Promise<void>;
  /** Releases connections (at shutdown). */
  close(): void {}
}

/** The storage key of a message's file: one folder per session. */
export function storageKey(sessionId: string, messageId: string): string {
  return `${encodeURIComponent(sessionId)}/${encodeURIComponent(messageId)}`;
}

const EXTENSIONS: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'video/mp4': 'mp4',
  'video/3gpp': '3gp',
  'audio/ogg': 'ogg',
  'audio/mpeg': 'mp3',
  'audio/mp4': 'm4a',
  'audio/aac': 'aac',
  'audio/amr': 'amr',
  'application/pdf': 'pdf',
  'text/plain': 'txt',
  'application/zip': 'zip',
};

/** The bare media type of a mimetype (`audio/ogg; codecs=opus` -> `audio/ogg`), lower case. */
export function baseMimetype(mimetype: string | null | undefined): string | null {
  const base = mimetype?.split(';')[0]?.trim().toLowerCase();
  return base && /^[a-z0-9.+-]+\/[a-z0-9.+-]+$/.test(base) ? base : null;
}

/**
 * The file name a download is offered under: the sender's name for a document (without directories or control
 * characters), else `<message id>.<extension of the mimetype>` (`bin` when unknown).
 */
export function mediaFileName(
  messageId: string,
  fileName: string | null | undefined,
  mimetype: string | null | undefined,
): string {
  const given = (fileName ?? '')
    .replace(/[\u0000-\u001f\u007f]/g, '')
    .split(/[\\/]/)
    .pop()
    ?.trim();
  if (given && given !== '.' && given !== '..') return given.slice(0, 200);
  const base = baseMimetype(mimetype);
  const ext = (base && EXTENSIONS[base]) ?? 'bin';
  return `${messageId}.${ext}`;
}

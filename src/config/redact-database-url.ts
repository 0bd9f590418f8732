const MASK = '***';

/**
 * A database URL fit for logs and error messages: the password, in the user info or a `password` query
 * parameter, becomes `***`. Text that is not a valid URL, or with two `@` (one unencoded in the password), is
 * cut at its last `@`, so whatever could be the password is hidden.
 */
export function redactDatabaseUrl(url: string): string {
  let parsed: URL | undefined;
  try {
    // Two @: one is the password's, unencoded; the URL parser would give part of it as the host or the path.
    parsed = url.indexOf('@') === url.lastIndexOf('@') ? new URL(url) : undefined;
  } catch {
    parsed = undefined;
  }
  if (parsed) {
    if (parsed.password) parsed.password = MASK;
    if (parsed.searchParams.has('password')) parsed.searchParams.set('password', MASK);
    return parsed.toString();
  }
  const start = url.indexOf('//');
  const at = url.lastIndexOf('@');
  if (start < 0 || at < start) return url.replace(/(password=)[^&#]*/gi, `$1${MASK}`);
  const userInfo = url.slice(start + 2, at);
  const colon = userInfo.indexOf(':');
  const user = colon < 0 ? userInfo : userInfo.slice(0, colon);
  return `${url.slice(0, start + 2)}${user}:${MASK}${url.slice(at)}`;
}

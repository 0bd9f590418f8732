const METHOD = /^[A-Z]{1,16}$/;
/** Paths a 404 repeats: plain URL characters (no `%`, quotes or brackets), at most 100 of them. */
const SHOWN_PATH = /^\/[A-Za-z0-9._~/-]{0,99}$/;

/**
 * The details of a 404 for a request no route matches. The path (never the query string) is repeated only
 * when it is short and plain, so a client cannot make the gateway reflect arbitrary text.
 */
export function routeNotFoundDetails(method: string, path: string): string {
  const m = METHOD.test(method) ? method : 'this method';
  return SHOWN_PATH.test(path) ? `No route for ${m} ${path}` : `No route for ${m} (path not shown)`;
}

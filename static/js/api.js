// Calls the gateway's REST API with the API key and turns failures into sentences a person can act on.
import { t } from './i18n.js';

const KEY_STORAGE = 'wa-gateway.apiKey';

export function storedKey() {
  try {
    return localStorage.getItem(KEY_STORAGE) || '';
  } catch {
    return '';
  }
}

export function storeKey(key) {
  try {
    if (key) localStorage.setItem(KEY_STORAGE, key);
    else localStorage.removeItem(KEY_STORAGE);
  } catch {
    // Without storage the key lives only as long as this page.
  }
}

let apiKey = storedKey();
const unauthorizedListeners = new Set();
const reachabilityListeners = new Set();

export function setKey(key) {
  apiKey = key;
}

export function currentKey() {
  return apiKey;
}

/** Called when the gateway answers 401: the console asks for the key again. */
export function onUnauthorized(fn) {
  unauthorizedListeners.add(fn);
}

/** fn(true) whenever the gateway answers (any status), fn(false) when a request gets no answer at all. */
export function onReachability(fn) {
  reachabilityListeners.add(fn);
}

function reachable(ok) {
  for (const fn of reachabilityListeners) fn(ok);
}

export class ApiError extends Error {
  constructor(message, { status = 0, body = null } = {}) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.body = body;
  }
}

/** `details` of an error body as one readable line (strings, lists of strings, or field -> messages). */
export function describeDetails(details) {
  if (details == null || details === '') return '';
  if (typeof details === 'string') return details;
  if (Array.isArray(details)) return details.map(describeDetails).filter(Boolean).join('; ');
  if (typeof details === 'object') {
    return Object.entries(details)
      .map(([field, value]) => {
        const text = describeDetails(value);
        return /^\d+$/.test(field) ? text : `${field}: ${text}`;
      })
      .filter(Boolean)
      .join('; ');
  }
  return String(details);
}

function plainMessage(status, body, headers) {
  if (status === 401) return t('err.unauthorized');
  if (status === 429) return t('err.rateLimited', { seconds: headers.get('Retry-After') || '60' });
  if (status >= 500 && !(body && body.error && status === 503)) {
    return t('err.server', { id: headers.get('X-Request-Id') || '?' });
  }
  if (body && typeof body.error === 'string') {
    const details = describeDetails(body.details);
    return details && details !== body.error ? `${body.error}: ${details}` : body.error;
  }
  return t('err.generic', { status });
}

/**
 * request('GET', '/api/info') -> parsed JSON (or null for 204). Throws ApiError with a plain-words message.
 * `opts.key` overrides the stored key (used to check a key before saving it).
 */
export async function request(method, path, body, opts = {}) {
  const headers = { Accept: 'application/json' };
  const key = opts.key ?? apiKey;
  if (key) headers['X-API-Key'] = key;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
    });
  } catch {
    reachable(false);
    throw new ApiError(t('err.network'));
  }
  reachable(true);
  const text = await res.text();
  let parsed = null;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = null;
    }
  }
  if (!res.ok) {
    const err = new ApiError(plainMessage(res.status, parsed, res.headers), {
      status: res.status,
      body: parsed,
    });
    if (res.status === 401 && opts.key === undefined) for (const fn of unauthorizedListeners) fn(err);
    throw err;
  }
  return parsed;
}

/** GET a file with the API key (a link cannot send the header): the body as a Blob, or ApiError. */
export async function fetchBlob(path) {
  let res;
  try {
    res = await fetch(path, { headers: apiKey ? { 'X-API-Key': apiKey } : {}, cache: 'no-store' });
  } catch {
    reachable(false);
    throw new ApiError(t('err.network'));
  }
  reachable(true);
  if (!res.ok) {
    let parsed = null;
    try {
      parsed = await res.json();
    } catch {
      parsed = null;
    }
    throw new ApiError(plainMessage(res.status, parsed, res.headers), { status: res.status, body: parsed });
  }
  return res.blob();
}

export const api = {
  get: (path, opts) => request('GET', path, undefined, opts),
  post: (path, body = {}) => request('POST', path, body),
  patch: (path, body) => request('PATCH', path, body),
  del: (path) => request('DELETE', path),
};

export const enc = encodeURIComponent;

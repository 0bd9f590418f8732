import type { NextFunction, Request, Response } from 'express';
import helmet, { HelmetOptions } from 'helmet';

/** How a request reached us, as far as the headers a browser honours are concerned. */
export type Transport = 'https' | 'http-localhost' | 'http';

/**
 * helmet's options for the console, /docs and the API. The policy allows only this origin's own scripts and
 * styles (the console and Swagger UI are served from here, no CDN), images from here or data: URLs (QR codes),
 * and the Socket.IO connection; helmet's other defaults stay (object-src 'none', frame-ancestors 'self', ...).
 *
 * - `upgrade-insecure-requests` only over https (directly, or through a trusted proxy's X-Forwarded-Proto). On a
 *   plain-http page it makes the browser fetch every script and stylesheet over https, which a gateway opened by
 *   its LAN address (http://192.168.1.10:5000/) does not serve: the page stays blank.
 * - `Cross-Origin-Opener-Policy` only where browsers apply it (https, or http://localhost): on any other http
 *   origin they ignore it and log an error in the page's console.
 */
export function securityHeaderOptions(transport: Transport): HelmetOptions {
  return {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        // blob: the monitor shows incoming images it fetched with the API key as object URLs.
        imgSrc: ["'self'", 'data:', 'blob:'],
        connectSrc: ["'self'", 'ws:', 'wss:'],
        upgradeInsecureRequests: transport === 'https' ? [] : null,
      },
    },
    crossOriginOpenerPolicy: transport !== 'http',
  };
}

const LOOPBACK_NAME = /^(localhost|.+\.localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

export function transportOf(req: Pick<Request, 'secure' | 'hostname'>): Transport {
  if (req.secure) return 'https';
  return LOOPBACK_NAME.test(req.hostname ?? '') ? 'http-localhost' : 'http';
}

/** The security headers, chosen per request (`req.secure` honours the app's trust proxy setting). */
export function securityHeaders(): (req: Request, res: Response, next: NextFunction) => void {
  const byTransport: Record<Transport, ReturnType<typeof helmet>> = {
    https: helmet(securityHeaderOptions('https')),
    'http-localhost': helmet(securityHeaderOptions('http-localhost')),
    http: helmet(securityHeaderOptions('http')),
  };
  return (req, res, next) => byTransport[transportOf(req)](req, res, next);
}

import type { NextFunction, Request, Response } from 'express';
import * as path from 'node:path';

/**
 * Browser libraries the console loads, served from their npm packages (so `npm install` is the only step and no
 * CDN is needed): URL path -> file. Resolved through Node's module resolution, wherever npm placed the package.
 */
export function vendorFiles(): Map<string, string> {
  const chartDist = path.dirname(require.resolve('chart.js'));
  return new Map([['/vendor/chart.umd.min.js', path.join(chartDist, 'chart.umd.min.js')]]);
}

/** GET/HEAD of a vendor path sends its file (cached for a day); anything else passes on. */
export function serveVendorFiles(files = vendorFiles()) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const file = files.get(req.path);
    if (!file || (req.method !== 'GET' && req.method !== 'HEAD')) return next();
    res.sendFile(file, { maxAge: 86_400_000 }, (err) => err && next(err));
  };
}

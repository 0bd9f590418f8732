import * as QRCode from 'qrcode';

const OPTIONS = { errorCorrectionLevel: 'L' as const, margin: 2, width: 320 };

/** Renders the QR server-side (the console needs no script from a CDN). */
export function qrDataUrl(qr: string): Promise<string> {
  return QRCode.toDataURL(qr, OPTIONS);
}

export function qrPng(qr: string): Promise<Buffer> {
  return QRCode.toBuffer(qr, { ...OPTIONS, type: 'png' });
}

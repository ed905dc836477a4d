import { createHash } from 'node:crypto';
import type { Response } from 'express';

/**
 * Response headers of genflow's HTML pages. The Content-Security-Policy lets a page run only
 * its own scripts and styles: files from genflow's origin and the page's inline `<script>` and
 * `<style>` blocks by their SHA-256 (so an injected block or `style`/`on*` attribute does not
 * run), fetches only to genflow, no frames of it elsewhere (clickjacking), forms posting only
 * to genflow.
 */
export function pageHeaders(html: string, media: { imgSrc?: string[]; mediaSrc?: string[] } = {}): Record<string, string> {
  const hashes = (tag: 'script' | 'style') =>
    [...html.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, 'g'))].map((m) => `'sha256-${createHash('sha256').update(m[1]!).digest('base64')}'`);
  const csp = [
    "default-src 'none'",
    ["script-src 'self'", ...hashes('script')].join(' '),
    ["style-src 'self'", ...hashes('style')].join(' '),
    ["img-src 'self' data:", ...(media.imgSrc ?? [])].join(' '),
    ...(media.mediaSrc ? [["media-src 'self'", ...media.mediaSrc].join(' ')] : []),
    "connect-src 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
  return {
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'same-origin',
  };
}

/** Sends an HTML page with its security headers; pages are small, so the hashes are computed per answer. */
export function sendPage(res: Response, html: string, status = 200): void {
  res.status(status).type('html').set(pageHeaders(html)).send(html);
}

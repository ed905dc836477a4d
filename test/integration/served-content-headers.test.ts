import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GenerationView } from '../../domain/generation';
import { getText, postJson, startStack, temporalAddress, waitForGeneration, type Stack } from '../support/stack';

const SCRIPT_PROMPT = '<script>fetch("/v1/api-keys",{method:"POST"})</script><svg onload=alert(1)>';

async function finished(stack: Stack, body: Record<string, unknown>): Promise<GenerationView> {
  const res = await postJson(`${stack.baseUrl}/v1/generations`, body);
  expect(res.status).toBe(202);
  const g = await waitForGeneration(stack.baseUrl, res.body.id as string);
  expect(g.status).toBe('succeeded');
  return g;
}

const directives = (csp: string | null) => new Map((csp ?? '').split(';').map((d) => d.trim()).filter(Boolean).map((d) => [d.split(/\s+/)[0]!, d]));

/**
 * Stored assets are served from genflow's own origin, next to its pages, and some are written
 * by users (the text of a text-to-text model repeats the prompt). They must never run as a page
 * of that origin: no MIME sniffing, a CSP that allows nothing and sandboxes the document, and
 * non-media types downloaded rather than shown. The pages themselves run only their own code.
 */
describe.skipIf(!temporalAddress)('headers of assets and pages', () => {
  let local: Stack;
  let s3: Stack;
  beforeAll(async () => {
    local = await startStack();
    s3 = await startStack({ storage: 's3' });
  });
  afterAll(async () => {
    await local?.stop();
    await s3?.stop();
  });

  it('a user-written text asset containing <script> is inert: nosniff, CSP sandbox, attachment', async () => {
    const g = await finished(local, { model: 'local/text', prompt: SCRIPT_PROMPT });
    const asset = g.outputs[0]!;
    // Public, like every asset URL: no key sent.
    const res = await fetch(asset.url);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<script>');
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const csp = directives(res.headers.get('content-security-policy'));
    expect(csp.get('default-src')).toBe("default-src 'none'");
    expect(csp.get('sandbox')).toBe('sandbox');
    expect(res.headers.get('content-disposition')).toMatch(new RegExp(`^attachment; filename="${asset.id}\\.txt"$`));
  });

  it('images and audio are shown inline, still sniff-free, sandboxed and without scripts', async () => {
    const image = (await finished(local, { model: 'local/image', prompt: 'a kite', parameters: { width: 64, height: 64 } })).outputs[0]!;
    const speech = (await finished(local, { model: 'local/speech', prompt: 'hello there' })).outputs[0]!;
    for (const asset of [image, speech]) {
      const res = await fetch(asset.url);
      expect(res.status).toBe(200);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('content-disposition')).toBeNull();
      const csp = directives(res.headers.get('content-security-policy'));
      expect(csp.get('default-src')).toBe("default-src 'none'");
      expect(csp.get('sandbox')).toBe('sandbox allow-same-origin'); // no allow-scripts
      expect(csp.has('script-src')).toBe(false);
    }
  });

  it('on S3 the presigned download of a text asset is an attachment too', async () => {
    const g = await finished(s3, { model: 'local/text', prompt: SCRIPT_PROMPT });
    const redirect = await fetch(g.outputs[0]!.url, { redirect: 'manual' });
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get('x-content-type-options')).toBe('nosniff');
    const res = await fetch(redirect.headers.get('location')!);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<script>');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment/);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
  });

  it('the pages (admin page, /docs) run only their own scripts and styles', async () => {
    for (const path of ['/docs', '/admin/experiments']) {
      const res = await getText(`${local.baseUrl}${path}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      const csp = directives(res.headers.get('content-security-policy'));
      expect(csp.get('default-src')).toBe("default-src 'none'");
      expect(csp.get('script-src')).toMatch(/^script-src 'self'( 'sha256-[A-Za-z0-9+/=]+')*$/);
      expect(csp.get('style-src')).toMatch(/^style-src 'self'( 'sha256-[A-Za-z0-9+/=]+')*$/);
      expect(csp.get('frame-ancestors')).toBe("frame-ancestors 'none'");
    }
    // The sign-in form too.
    const form = await fetch(`${local.baseUrl}/admin/experiments`);
    expect(form.status).toBe(401);
    expect(directives(form.headers.get('content-security-policy')).get('default-src')).toBe("default-src 'none'");
  });
});

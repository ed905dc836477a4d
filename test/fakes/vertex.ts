import { createVerify, generateKeyPairSync, randomBytes } from 'node:crypto';
import sharp from 'sharp';
import type { FakeRequest, FakeResponse } from './fake-server';
import { ProviderFake } from './provider-fake';

/**
 * A local Vertex AI for the Imagen edit, upscale and product-recontext models, and the OAuth
 * token endpoint a service account trades its signed JWT at:
 * - `POST /token` (grant_type jwt-bearer): checks the assertion's RS256 signature with the
 *   public key of the test's key pair and its claims (iss, scope, aud, iat/exp), and issues an
 *   access token that expires after `tokenLifetimeSeconds`;
 * - `POST /v1/projects/{p}/locations/{l}/publishers/google/models/{model}:predict` with
 *   `Authorization: Bearer <a token it issued>` (or one of `staticTokens`); it refuses unknown
 *   fields with 400 INVALID_ARGUMENT as Google does, checks each model's documented body, and
 *   answers `{predictions: [{bytesBase64Encoded, mimeType}]}` with real PNGs (edit: the input's
 *   size; upscale: the input times the factor);
 * - errors are Google's `{error: {code, message, status}}`.
 */
export type VertexFakeFailure = 'filtered';

export interface ServiceAccount {
  /** The key file's JSON, as GENFLOW_VERTEX_CREDENTIALS takes it. */
  json: string;
  clientEmail: string;
  projectId: string;
}

function googleError(status: number, grpc: string, message: string): FakeResponse {
  return { status, json: { error: { code: status, message, status: grpc } } };
}

const unknownField = (name: string, at: string) => googleError(400, 'INVALID_ARGUMENT', `Invalid JSON payload received. Unknown name "${name}" at '${at}': Cannot find field.`);

/** The first key of `obj` not in `allowed`, reported the way Google's JSON parser does. */
function strayField(obj: unknown, allowed: readonly string[], at: string): FakeResponse | undefined {
  if (!obj || typeof obj !== 'object') return undefined;
  const stray = Object.keys(obj).find((k) => !allowed.includes(k));
  return stray === undefined ? undefined : unknownField(stray, at);
}

// The documented fields per model (Vertex AI model reference pages, see providers/vertex/wire-fields.ts).
const IMAGE = ['bytesBase64Encoded', 'gcsUri', 'mimeType'];
const EDIT_PARAMETERS = ['addWatermark', 'baseSteps', 'editMode', 'guidanceScale', 'includeRaiReason', 'includeSafetyAttributes', 'language', 'negativePrompt', 'outputOptions', 'personGeneration', 'safetySetting', 'sampleCount', 'seed', 'storageUri'];
const UPSCALE_PARAMETERS = ['mode', 'addWatermark', 'storageUri', 'outputOptions', 'upscaleConfig'];
const RECONTEXT_PARAMETERS = ['addWatermark', 'enhancePrompt', 'personGeneration', 'safetySetting', 'sampleCount', 'seed', 'storageUri', 'outputOptions'];
const EDIT_MODES = ['EDIT_MODE_INPAINT_INSERTION', 'EDIT_MODE_INPAINT_REMOVAL', 'EDIT_MODE_OUTPAINT', 'EDIT_MODE_BGSWAP'];
const MASK_MODES = ['MASK_MODE_USER_PROVIDED', 'MASK_MODE_BACKGROUND', 'MASK_MODE_FOREGROUND', 'MASK_MODE_SEMANTIC'];
const FACTORS: Record<string, number> = { x2: 2, x3: 3, x4: 4 };

interface Picture {
  width: number;
  height: number;
  format: string;
}

export class VertexFake extends ProviderFake {
  readonly project: string;
  readonly location: string;
  readonly clientEmail = 'genflow-test@genflow-test.iam.gserviceaccount.com';
  private readonly keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  /** Token → when it expires (ms since the epoch). */
  readonly issued = new Map<string, number>();
  /** Tokens minted elsewhere that the fake accepts (GENFLOW_VERTEX_ACCESS_TOKEN). */
  staticTokens = new Set<string>();
  tokenLifetimeSeconds = 3599;
  /** How many tokens the token endpoint issued. */
  tokenExchanges = 0;
  /** Every image this fake answered with, in order. */
  readonly served: Buffer[] = [];
  /** What the last edit asked for: its edit mode, mask mode and the mask's size if one was sent. */
  lastEdit: { editMode: string; maskMode: string; mask?: Picture; raw: Picture } | undefined;
  failWith: VertexFakeFailure | undefined;

  constructor(options: { project?: string; location?: string } = {}) {
    super();
    this.project = options.project ?? 'genflow-test';
    this.location = options.location ?? 'us-central1';
  }

  /** A service-account key file whose token_uri is this fake, signed with the fake's test key pair. */
  serviceAccount(): ServiceAccount {
    const privateKey = this.keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const key = {
      type: 'service_account',
      project_id: this.project,
      private_key_id: 'fake-key-1',
      private_key: privateKey,
      client_email: this.clientEmail,
      client_id: '1234567890',
      token_uri: `${this.url}/token`,
    };
    return { json: JSON.stringify(key), clientEmail: this.clientEmail, projectId: this.project };
  }

  /** Ends every issued token's life now, as time passing would. */
  expireTokens(): void {
    for (const token of this.issued.keys()) this.issued.set(token, 0);
  }

  protected override routes(): void {
    this.server.route('POST', '/token', (req) => this.token(req));
    this.server.route('POST', '/v1/projects/:project/locations/:location/publishers/google/models/:call', (req) => this.guard(req));
  }

  private token(req: FakeRequest): FakeResponse {
    const form = new URLSearchParams(req.body.toString('utf8'));
    const refuse = (description: string): FakeResponse => ({ status: 400, json: { error: 'invalid_grant', error_description: description } });
    if (form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:jwt-bearer') return { status: 400, json: { error: 'unsupported_grant_type', error_description: 'Invalid grant_type' } };
    const [header, claims, signature] = (form.get('assertion') ?? '').split('.');
    if (!header || !claims || !signature) return refuse('Invalid JWT: not three segments');
    const verified = createVerify('RSA-SHA256').update(`${header}.${claims}`).verify(this.keys.publicKey, Buffer.from(signature, 'base64url'));
    if (!verified) return refuse('Invalid JWT Signature.');
    const head = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as { alg?: string };
    const c = JSON.parse(Buffer.from(claims, 'base64url').toString('utf8')) as { iss?: string; scope?: string; aud?: string; iat?: number; exp?: number };
    if (head.alg !== 'RS256') return refuse('Invalid JWT: alg must be RS256');
    if (c.iss !== this.clientEmail) return refuse('Invalid JWT: unknown issuer');
    if (c.aud !== `${this.url}/token`) return refuse('Invalid JWT: aud must be the token_uri');
    if (c.scope !== 'https://www.googleapis.com/auth/cloud-platform') return { status: 400, json: { error: 'invalid_scope', error_description: 'Invalid OAuth scope' } };
    const now = Date.now() / 1000;
    if (typeof c.iat !== 'number' || typeof c.exp !== 'number' || c.exp <= c.iat || c.exp - c.iat > 3600 || Math.abs(c.iat - now) > 300) {
      return refuse('Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values');
    }
    const token = `ya29.fake-${randomBytes(12).toString('hex')}`;
    this.issued.set(token, Date.now() + this.tokenLifetimeSeconds * 1000);
    this.tokenExchanges += 1;
    return { json: { access_token: token, expires_in: this.tokenLifetimeSeconds, token_type: 'Bearer' } };
  }

  private guard(req: FakeRequest): FakeResponse | Promise<FakeResponse> {
    const token = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ''))?.[1];
    const expiresAt = token === undefined ? undefined : this.issued.get(token);
    const valid = token !== undefined && (this.staticTokens.has(token) || (expiresAt !== undefined && expiresAt > Date.now()));
    if (!valid) {
      return googleError(401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.');
    }
    if (req.params.project !== this.project || req.params.location !== this.location) {
      return googleError(403, 'PERMISSION_DENIED', `Permission 'aiplatform.endpoints.predict' denied on resource '//aiplatform.googleapis.com/projects/${req.params.project}/locations/${req.params.location}'`);
    }
    const [model = '', verb = ''] = (req.params.call ?? '').split(':');
    const body = req.json as Record<string, unknown> | undefined;
    if (verb !== 'predict') return googleError(404, 'NOT_FOUND', `fake: no verb ${verb}`);
    if (!body || typeof body !== 'object') return googleError(400, 'INVALID_ARGUMENT', 'Invalid JSON payload received.');
    const stray = strayField(body, ['instances', 'parameters'], '');
    if (stray) return stray;
    switch (model) {
      case 'imagen-3.0-capability-001':
        return this.edit(body);
      case 'imagen-4.0-upscale-preview':
        return this.upscale(body);
      case 'imagen-product-recontext-preview-06-30':
        return this.recontext(body);
    }
    return googleError(404, 'NOT_FOUND', `Publisher Model \`projects/${this.project}/locations/${this.location}/publishers/google/models/${model}\` not found.`);
  }

  /** An inline image as the docs define it, decoded; a string (the error's message) when it is not one. */
  private async picture(image: unknown, at: string): Promise<{ picture: Picture } | { error: FakeResponse }> {
    const stray = strayField(image, IMAGE, at);
    if (stray) return { error: stray };
    const data = (image as { bytesBase64Encoded?: unknown } | undefined)?.bytesBase64Encoded;
    if (typeof data !== 'string' || !data) return { error: googleError(400, 'INVALID_ARGUMENT', `${at}.bytesBase64Encoded is required`) };
    try {
      const meta = await sharp(Buffer.from(data, 'base64')).metadata();
      if (meta.format !== 'png' && meta.format !== 'jpeg') return { error: googleError(400, 'INVALID_ARGUMENT', `${at}: unsupported image type ${meta.format}`) };
      return { picture: { width: meta.width, height: meta.height, format: meta.format } };
    } catch {
      return { error: googleError(400, 'INVALID_ARGUMENT', `${at}: Unable to decode the image.`) };
    }
  }

  private async answer(count: number, width: number, height: number, color: string): Promise<FakeResponse> {
    if (this.failWith === 'filtered') return { json: {} };
    const predictions = [];
    for (let i = 0; i < count; i++) {
      const png = await sharp({ create: { width, height, channels: 3, background: color } }).png().toBuffer();
      this.served.push(png);
      predictions.push({ bytesBase64Encoded: png.toString('base64'), mimeType: 'image/png' });
    }
    return { json: { predictions } };
  }

  private sampleCount(p: Record<string, unknown>): number | FakeResponse {
    const count = p.sampleCount ?? 4;
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > 4) return googleError(400, 'INVALID_ARGUMENT', 'sampleCount must be between 1 and 4');
    return count;
  }

  private async edit(body: Record<string, unknown>): Promise<FakeResponse> {
    const instances = body.instances as Array<Record<string, unknown>> | undefined;
    if (!Array.isArray(instances) || instances.length !== 1) return googleError(400, 'INVALID_ARGUMENT', 'exactly one instance is supported');
    const instance = instances[0]!;
    const strayInstance = strayField(instance, ['prompt', 'referenceImages'], 'instances[0]');
    if (strayInstance) return strayInstance;
    const p = (body.parameters ?? {}) as Record<string, unknown>;
    const strayParameter = strayField(p, EDIT_PARAMETERS, 'parameters');
    if (strayParameter) return strayParameter;
    if (!EDIT_MODES.includes(p.editMode as string)) return googleError(400, 'INVALID_ARGUMENT', `Invalid value at 'parameters.editMode': ${String(p.editMode)}`);
    const refs = instance.referenceImages as Array<Record<string, unknown>> | undefined;
    const raw = refs?.find((r) => r.referenceType === 'REFERENCE_TYPE_RAW');
    const mask = refs?.find((r) => r.referenceType === 'REFERENCE_TYPE_MASK');
    if (!Array.isArray(refs) || refs.length !== 2 || !raw || !mask) return googleError(400, 'INVALID_ARGUMENT', 'Mask editing needs exactly one REFERENCE_TYPE_RAW and one REFERENCE_TYPE_MASK reference image');
    for (const [i, ref] of refs.entries()) {
      const stray = strayField(ref, ['referenceType', 'referenceId', 'referenceImage', 'maskImageConfig'], `instances[0].referenceImages[${i}]`);
      if (stray) return stray;
    }
    if (raw.referenceId === mask.referenceId || typeof raw.referenceId !== 'number' || typeof mask.referenceId !== 'number') return googleError(400, 'INVALID_ARGUMENT', 'referenceId must be a unique integer');
    const rawPicture = await this.picture(raw.referenceImage, 'referenceImages[raw].referenceImage');
    if ('error' in rawPicture) return rawPicture.error;
    const config = mask.maskImageConfig as Record<string, unknown> | undefined;
    const strayConfig = strayField(config, ['maskMode', 'dilation', 'maskClasses'], 'maskImageConfig');
    if (strayConfig) return strayConfig;
    const maskMode = config?.maskMode as string;
    if (!MASK_MODES.includes(maskMode)) return googleError(400, 'INVALID_ARGUMENT', 'maskImageConfig.maskMode is required');
    let maskPicture: Picture | undefined;
    if (maskMode === 'MASK_MODE_USER_PROVIDED') {
      const decoded = await this.picture(mask.referenceImage, 'referenceImages[mask].referenceImage');
      if ('error' in decoded) return decoded.error;
      maskPicture = decoded.picture;
      if (maskPicture.width !== rawPicture.picture.width || maskPicture.height !== rawPicture.picture.height) {
        return googleError(400, 'INVALID_ARGUMENT', 'The mask must have the same dimensions as the raw image');
      }
    } else if (mask.referenceImage !== undefined) {
      return googleError(400, 'INVALID_ARGUMENT', `${maskMode} generates its mask: no referenceImage for the mask`);
    }
    if (maskMode === 'MASK_MODE_SEMANTIC' && !Array.isArray(config?.maskClasses)) return googleError(400, 'INVALID_ARGUMENT', 'MASK_MODE_SEMANTIC needs maskClasses');
    const count = this.sampleCount(p);
    if (typeof count !== 'number') return count;
    this.lastEdit = { editMode: p.editMode as string, maskMode, raw: rawPicture.picture, ...(maskPicture ? { mask: maskPicture } : {}) };
    return this.answer(count, rawPicture.picture.width, rawPicture.picture.height, '#aa3366');
  }

  private async upscale(body: Record<string, unknown>): Promise<FakeResponse> {
    const instances = body.instances as Array<Record<string, unknown>> | undefined;
    if (!Array.isArray(instances) || instances.length !== 1) return googleError(400, 'INVALID_ARGUMENT', 'exactly one instance is supported');
    const strayInstance = strayField(instances[0], ['prompt', 'image'], 'instances[0]');
    if (strayInstance) return strayInstance;
    const p = (body.parameters ?? {}) as Record<string, unknown>;
    const strayParameter = strayField(p, UPSCALE_PARAMETERS, 'parameters');
    if (strayParameter) return strayParameter;
    if (p.mode !== 'upscale') return googleError(400, 'INVALID_ARGUMENT', 'parameters.mode must be "upscale" for this model');
    const strayConfig = strayField(p.upscaleConfig, ['upscaleFactor'], 'parameters.upscaleConfig');
    if (strayConfig) return strayConfig;
    const factor = FACTORS[(p.upscaleConfig as { upscaleFactor?: string } | undefined)?.upscaleFactor ?? ''];
    if (!factor) return googleError(400, 'INVALID_ARGUMENT', 'upscaleConfig.upscaleFactor must be one of x2, x3, x4');
    const input = await this.picture(instances[0]!.image, 'instances[0].image');
    if ('error' in input) return input.error;
    const { width, height } = input.picture;
    if (width * height * factor * factor > 17_000_000) return googleError(400, 'INVALID_ARGUMENT', 'The upscaled image would exceed 17 megapixels');
    return this.answer(1, width * factor, height * factor, '#3366aa');
  }

  private async recontext(body: Record<string, unknown>): Promise<FakeResponse> {
    const instances = body.instances as Array<Record<string, unknown>> | undefined;
    if (!Array.isArray(instances) || instances.length !== 1) return googleError(400, 'INVALID_ARGUMENT', 'exactly one instance is supported');
    const strayInstance = strayField(instances[0], ['prompt', 'productImages'], 'instances[0]');
    if (strayInstance) return strayInstance;
    const p = (body.parameters ?? {}) as Record<string, unknown>;
    const strayParameter = strayField(p, RECONTEXT_PARAMETERS, 'parameters');
    if (strayParameter) return strayParameter;
    const products = instances[0]!.productImages as Array<Record<string, unknown>> | undefined;
    if (!Array.isArray(products) || products.length < 1 || products.length > 3) return googleError(400, 'INVALID_ARGUMENT', 'productImages must hold 1 to 3 images');
    for (const [i, product] of products.entries()) {
      const stray = strayField(product, ['image'], `instances[0].productImages[${i}]`);
      if (stray) return stray;
      const decoded = await this.picture(product.image, `instances[0].productImages[${i}].image`);
      if ('error' in decoded) return decoded.error;
    }
    const count = this.sampleCount(p);
    if (typeof count !== 'number') return count;
    return this.answer(count, 64, 48, '#33aa66');
  }
}

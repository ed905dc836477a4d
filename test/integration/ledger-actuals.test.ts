import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGenerationActivities, type PollOutcome, type SubmitOutcome } from '../../activities/generation-activities';
import { createAccountsRepo, type AccountsRepo } from '../../db/accounts-repo';
import type { DbHandle } from '../../db/connect';
import { createGenerationsRepo, type GenerationsRepo } from '../../db/generations-repo';
import { generationView } from '../../views/generation-views';
import { generationSchema } from '../../api/openapi/view-schemas';
import type { Admission } from '../../domain/accounts';
import type { ErrorBody } from '../../domain/errors';
import type { GenerationRequest, GenerationWorkflowInput } from '../../domain/generation';
import { LocalDiskStorage } from '../../media/storage/local-disk';
import { estimateCost } from '../../providers/pricing';
import { workflowModel } from '../../providers/workflow-model';
import { builtInCatalogue } from '../../providers/registry';
import { createProviderGateway } from '../../providers/provider-gateway';
import { ElevenLabsFake } from '../fakes/elevenlabs';
import { FalFake } from '../fakes/fal';
import { KieFake } from '../fakes/kie';
import { ReplicateFake } from '../fakes/replicate';
import { openTestDatabase, testLogger } from '../support/stack';

// The model tables are the built-in providers' (custom ones join a process's catalogue at start).
const { findModel } = builtInCatalogue;

/**
 * Money follows the provider's bill: generations run through the real activities and provider
 * adapters against the local fakes (which send what the real APIs send: fal's billable units,
 * Kie's credits, ElevenLabs' character cost), then settle in the finish bookkeeping. What is
 * checked is what a user sees: the generation's cost, the ledger row and `GET /v1/usage`'s rows.
 */
describe('the ledger settles at what the provider billed', () => {
  const kie = new KieFake();
  const fal = new FalFake();
  const elevenlabs = new ElevenLabsFake();
  const replicate = new ReplicateFake();
  let home: string;
  let db: DbHandle;
  let repo: GenerationsRepo;
  let accounts: AccountsRepo;
  let activities: ReturnType<typeof createGenerationActivities>;

  beforeAll(async () => {
    await Promise.all([kie.start(), fal.start(), elevenlabs.start(), replicate.start()]);
    kie.pollsUntilDone = 0;
    fal.pollsUntilDone = 0;
    replicate.pollsToFinish = 0;
    home = mkdtempSync(join(tmpdir(), 'genflow-ledger-actuals-'));
    db = await openTestDatabase(home);
    repo = createGenerationsRepo(db.db);
    accounts = createAccountsRepo(db.db);
    const providers = createProviderGateway({
      dataDir: home,
      env: {
        GENFLOW_KIE_BASE_URL: kie.url,
        GENFLOW_KIE_API_KEYS: 'kie-test-key',
        GENFLOW_FAL_BASE_URL: fal.url,
        GENFLOW_FAL_API_KEYS: 'fal-test-key',
        GENFLOW_ELEVENLABS_BASE_URL: elevenlabs.url,
        GENFLOW_ELEVENLABS_API_KEYS: 'sk_test_elevenlabs',
        GENFLOW_REPLICATE_BASE_URL: replicate.url,
        GENFLOW_REPLICATE_API_KEYS: 'r8_test_replicate',
      },
    });
    activities = createGenerationActivities({ repo, storage: new LocalDiskStorage(join(home, 'media')), providers, logger: testLogger, fetchPolicy: { allowLoopback: true } });
  });
  afterAll(async () => {
    await db?.close();
    await Promise.all([kie.stop(), fal.stop(), elevenlabs.stop(), replicate.stop()]);
    if (home) rmSync(home, { recursive: true, force: true });
  });

  async function newKey(): Promise<Admission> {
    const id = randomUUID();
    const owner = `actuals-${id}`;
    await accounts.insertKey({ id, name: 'actuals test', keyHash: `hash-${id}`, keyPrefix: 'gf_test', role: 'user', owner, budgetMicros: {} });
    return { keyId: id, owner, maxConcurrentGenerations: null };
  }

  function request(model: string, parameters: Record<string, unknown> = {}, prompt = 'a lighthouse at dawn', numberOfOutputs = 1): GenerationRequest {
    const entry = findModel(model)!;
    return { model, kind: entry.model.kinds[0]!, prompt, parameters: entry.model.parameters.parse(parameters), inputImages: [], numberOfOutputs };
  }

  function candidate(req: GenerationRequest) {
    return { request: req, model: workflowModel(findModel(req.model)!, {}) };
  }

  /** Inserts the generation as the API does: estimated from the requested model, reserved on the key. */
  async function submit(key: Admission, req: GenerationRequest): Promise<string> {
    const id = randomUUID();
    await repo.insert(
      {
        id,
        workflow_id: `gen_${id}`,
        model: req.model,
        provider: findModel(req.model)!.provider.id,
        kind: req.kind,
        status: 'running',
        prompt: req.prompt,
        parameters: JSON.stringify(req.parameters),
        input_images: '[]',
        number_of_outputs: req.numberOfOutputs,
        provider_task_id: null,
        error_code: null,
        error_message: null,
        error_details: null,
        idempotency_key: null,
        request_hash: id,
        started_at: null,
        completed_at: null,
        estimated_cost: estimateCost(findModel(req.model)!, req),
        owner: key.owner,
        api_key_id: key.keyId,
      },
      key,
    );
    return id;
  }

  /** One attempt as the workflow runs it: submit, then poll until the task ends; a failure answers its error body. */
  async function attempt(generationId: string, req: GenerationRequest): Promise<ErrorBody | undefined> {
    const input: GenerationWorkflowInput = { generationId, ...candidate(req) };
    // Failed attempts are expected here: the SDK's activity warnings would only be noise.
    const env = new MockActivityEnvironment({}, { logger: new DefaultLogger('ERROR') });
    try {
      const submitted: SubmitOutcome = await env.run((i: GenerationWorkflowInput) => activities.submitToProvider(i), input);
      if (submitted.status === 'succeeded') return undefined;
      for (let i = 0; i < 10; i++) {
        const polled: PollOutcome = await env.run((i: GenerationWorkflowInput, t: string) => activities.pollProvider(i, t), input, submitted.taskId);
        if (polled.status === 'succeeded') return undefined;
      }
      throw new Error('the task did not finish');
    } catch (err) {
      const failure = err as { type?: string; message: string };
      return { code: (failure.type ?? 'INTERNAL_ERROR') as ErrorBody['code'], message: failure.message };
    }
  }

  /** The ledger row, amounts as numbers (pg answers int8 as text, PGlite as numbers). */
  async function ledgerRow(generationId: string) {
    const row = await db.db.selectFrom('usage_ledger').selectAll().where('generation_id', '=', generationId).executeTakeFirstOrThrow();
    const n = (v: string | number | null) => (v === null ? null : Number(v));
    return { ...row, reserved_micros: n(row.reserved_micros), settled_micros: n(row.settled_micros), estimated_micros: n(row.estimated_micros) };
  }

  async function view(generationId: string) {
    const row = (await repo.findById(generationId))!;
    const v = generationView(row, await repo.listAssets(generationId), 'http://genflow.test');
    expect(generationSchema.safeParse(v).success).toBe(true);
    return v;
  }

  async function usage(owner: string) {
    const today = new Date(Date.now() - 86_400_000);
    return accounts.usage({ owner, from: today, to: new Date(Date.now() + 86_400_000) });
  }

  it('a result a fallback produced is settled at the fallback model’s price, not at the requested model’s estimate', async () => {
    fal.failWith = 'app_error';
    try {
      const key = await newKey();
      const requested = request('fal/flux-dev', { image_size: 'square_hd' }, 'a fox in the snow', 2);
      const fallback = request('replicate/black-forest-labs/flux-schnell', {}, 'a fox in the snow', 2);
      const id = await submit(key, requested);
      // fal/flux-dev: 2 × $0.025 × 1.05 MP; the fallback: 2 × $0.003.
      expect((await ledgerRow(id)).reserved_micros).toBe(52_500);

      const failed = await attempt(id, requested);
      expect(failed?.code).toBe('PROVIDER_ERROR');
      expect(await attempt(id, fallback)).toBeUndefined();
      await activities.finishGeneration(id, 'succeeded', undefined, { resultModel: fallback.model });

      const row = await ledgerRow(id);
      expect(row).toMatchObject({ state: 'settled', charged_model: fallback.model, charge_source: 'estimate', charge_reason: null });
      expect((row.settled_micros)).toBe(6_000);
      expect((row.estimated_micros)).toBe(6_000);
      expect(await view(id)).toMatchObject({ status: 'succeeded', resultModel: fallback.model, estimatedCost: 0.0525, cost: 0.006, costSource: 'estimate' });
      expect(await usage(key.owner)).toEqual([
        expect.objectContaining({ model: fallback.model, provider: 'replicate', generations: 1, estimated_micros: 6_000, settled_micros: 6_000, reported_micros: 0 }),
      ]);
    } finally {
      fal.failWith = undefined;
    }
  });

  it('settles at the charge each provider reported, with the estimate recorded next to it', async () => {
    const key = await newKey();
    // Kie: the record says 7 credits (the price table says 4) at $0.005 a credit.
    kie.creditsPerTask = 7;
    const kieId = await submit(key, request('kie/nano-banana'));
    expect(await attempt(kieId, request('kie/nano-banana'))).toBeUndefined();
    await activities.finishGeneration(kieId, 'succeeded');
    kie.creditsPerTask = 4;
    // fal: FLUX [dev], 2 square images: 2 billable megapixels (at least 1 per image) at $0.025.
    const falReq = request('fal/flux-dev', { image_size: 'square' }, 'a lighthouse at dawn', 2);
    const falId = await submit(key, falReq);
    expect(await attempt(falId, falReq)).toBeUndefined();
    await activities.finishGeneration(falId, 'succeeded');
    // ElevenLabs: estimated per character from the price table; the answer's character-cost is the charge.
    const text = 'Twenty-six characters, ok.'.padEnd(400, '.');
    const speech = request('elevenlabs/multilingual-v2', {}, text);
    const speechId = await submit(key, speech);
    expect(await attempt(speechId, speech)).toBeUndefined();
    await activities.finishGeneration(speechId, 'succeeded');

    const kieRow = await ledgerRow(kieId);
    expect(kieRow).toMatchObject({ state: 'settled', charged_model: 'kie/nano-banana', charge_source: 'provider', reserved_micros: 20_000 });
    expect((kieRow.settled_micros)).toBe(35_000);
    expect((kieRow.estimated_micros)).toBe(20_000);
    expect(await view(kieId)).toMatchObject({ estimatedCost: 0.02, cost: 0.035, costSource: 'provider' });

    const falRow = await ledgerRow(falId);
    expect(falRow).toMatchObject({ state: 'settled', charge_source: 'provider' });
    expect((falRow.settled_micros)).toBe(50_000);
    expect((falRow.estimated_micros)).toBe(50_000);

    const speechRow = await ledgerRow(speechId);
    expect(speechRow).toMatchObject({ state: 'settled', charge_source: 'provider', reserved_micros: 40_000 });
    expect((speechRow.settled_micros)).toBe(40_000);
    expect((speechRow.estimated_micros)).toBe(40_000);
    expect(await view(speechId)).toMatchObject({ estimatedCost: 0.04, cost: 0.04, costSource: 'provider' });

    const rows = await usage(key.owner);
    expect(rows.map((r) => [r.model, r.provider, r.estimated_micros, r.settled_micros, r.reported_micros])).toEqual([
      ['elevenlabs/multilingual-v2', 'elevenlabs', 40_000, 40_000, 40_000],
      ['fal/flux-dev', 'fal', 50_000, 50_000, 50_000],
      ['kie/nano-banana', 'kie', 20_000, 35_000, 35_000],
    ]);
  });

  it('releases a failed generation the provider did not charge: it costs 0', async () => {
    fal.failWith = 'app_error';
    try {
      const key = await newKey();
      const req = request('fal/flux-dev');
      const id = await submit(key, req);
      const error = await attempt(id, req);
      expect(error?.code).toBe('PROVIDER_ERROR');
      await activities.finishGeneration(id, 'failed', error);
      const row = await ledgerRow(id);
      expect(row).toMatchObject({ state: 'released', settled_micros: 0, charged_model: null, charge_source: null, charge_reason: null });
      expect(await view(id)).toMatchObject({ status: 'failed', cost: 0, costSource: 'estimate' });
      expect((await view(id)).costReason).toBeUndefined();
      expect(await usage(key.owner)).toEqual([expect.objectContaining({ model: 'fal/flux-dev', settled_micros: 0, released_micros: 25_000 })]);
    } finally {
      fal.failWith = undefined;
    }
  });

  it('charges a failed generation the provider charged for, and says why', async () => {
    kie.failTasksWith = { code: 501, message: 'Generation failed' };
    kie.creditsPerFailedTask = 3;
    try {
      const key = await newKey();
      const req = request('kie/nano-banana');
      const id = await submit(key, req);
      const error = await attempt(id, req);
      expect(error?.code).toBe('PROVIDER_ERROR');
      await activities.finishGeneration(id, 'failed', error);
      // A retried finish changes nothing.
      await activities.finishGeneration(id, 'failed', error);

      const row = await ledgerRow(id);
      expect(row).toMatchObject({ state: 'settled', charged_model: 'kie/nano-banana', charge_source: 'provider' });
      expect((row.settled_micros)).toBe(15_000);
      expect((row.estimated_micros)).toBe(0);
      expect(row.charge_reason).toMatch(/kie\/nano-banana .*3 credits.*failed/);
      const v = await view(id);
      expect(v).toMatchObject({ status: 'failed', estimatedCost: 0.02, cost: 0.015, costSource: 'provider' });
      expect(v.costReason).toMatch(/charged \$0\.015 for kie\/nano-banana/);
      expect(await usage(key.owner)).toEqual([expect.objectContaining({ model: 'kie/nano-banana', provider: 'kie', settled_micros: 15_000, reported_micros: 15_000, released_micros: 0 })]);
    } finally {
      kie.failTasksWith = undefined;
      kie.creditsPerFailedTask = 0;
    }
  });
});

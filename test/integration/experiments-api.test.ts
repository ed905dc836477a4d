import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExperimentResults } from '../../domain/experiment-results';
import type { GenerationView } from '../../domain/generation';
import { apiFetch, postJson, startStack, temporalAddress, waitForGeneration, type Stack } from '../support/stack';

async function getJson<T>(url: string): Promise<{ status: number; body: T }> {
  const res = await apiFetch(url);
  return { status: res.status, body: (await res.json()) as T };
}

describe.skipIf(!temporalAddress)('experiments API against the real stack', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const experiment = (overrides: Record<string, unknown> = {}) => ({
    name: 'small vs failing',
    variants: [
      { name: 'small', model: 'local/image', parameters: { width: 64, height: 64 } },
      { name: 'flaky', model: 'local/image', parameters: { width: 64, height: 64, failWith: 'PROVIDER_ERROR' }, promptTemplate: 'a watercolor of {prompt}' },
    ],
    allocation: { type: 'fixed', weights: [1, 1] },
    metrics: [
      { name: 'success_rate', goal: 'maximize', primary: true },
      { name: 'latency', goal: 'minimize' },
      { name: 'rating', goal: 'maximize' },
    ],
    recomputeIntervalSeconds: 1,
    ...overrides,
  });

  it('rejects an invalid definition naming the field', async () => {
    const unknownModel = await postJson(`${stack.baseUrl}/v1/experiments`, experiment({ variants: [{ name: 'a', model: 'nope/x' }, { name: 'b', model: 'local/image' }] }));
    expect(unknownModel.status).toBe(400);
    expect((unknownModel.body.error as { message: string }).message).toMatch(/^variants\.0\.model/);
    const badWeights = await postJson(`${stack.baseUrl}/v1/experiments`, experiment({ allocation: { type: 'fixed', weights: [1] } }));
    expect(badWeights.status).toBe(400);
    const badParams = await postJson(`${stack.baseUrl}/v1/experiments`, experiment({ variants: [{ name: 'a', model: 'local/image', parameters: { width: 1 } }, { name: 'b', model: 'local/image' }] }));
    expect(badParams.status).toBe(400);
    expect((badParams.body.error as { code: string }).code).toBe('INVALID_PARAMETERS');
  });

  it('runs an experiment end to end: allocation, stickiness, outcomes, ratings, segments', async () => {
    const created = await postJson(`${stack.baseUrl}/v1/experiments`, experiment());
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect(created.body.status).toBe('draft');

    // A draft allocates nothing.
    const early = await postJson(`${stack.baseUrl}/v1/generations`, { experimentId: id, prompt: 'a fox' });
    expect(early.status).toBe(409);

    expect((await postJson(`${stack.baseUrl}/v1/experiments/${id}/start`, {})).body.status).toBe('running');
    expect((await postJson(`${stack.baseUrl}/v1/experiments/${id}/start`, {})).status).toBe(409);

    // Sticky: one user, one variant, every time.
    const sticky = await Promise.all(
      Array.from({ length: 4 }, () => postJson(`${stack.baseUrl}/v1/generations`, { experimentId: id, userId: 'user-42', prompt: 'a fox', segment: 'pro' })),
    );
    const stickyVariants = new Set(sticky.map((r) => (r.body.experiment as { variantId: string }).variantId));
    expect(stickyVariants.size).toBe(1);

    // Many users: both variants get traffic.
    const spread = await Promise.all(
      Array.from({ length: 16 }, (_, i) => postJson(`${stack.baseUrl}/v1/generations`, { experimentId: id, userId: `user-${i}`, prompt: 'a fox' })),
    );
    expect(spread.map((r) => r.status === 202 ? 202 : JSON.stringify(r.body))).toEqual(spread.map(() => 202));
    const variants = spread.map((r) => (r.body.experiment as { variantId: string }).variantId);
    expect(new Set(variants)).toEqual(new Set(['v1', 'v2']));

    // The variant's model, parameters and prompt template were applied.
    const flaky = [...sticky, ...spread].find((r) => (r.body.experiment as { variantId: string }).variantId === 'v2')!;
    expect(flaky.body.prompt).toBe('a watercolor of a fox');
    expect((flaky.body.parameters as Record<string, unknown>).failWith).toBe('PROVIDER_ERROR');
    expect((await postJson(`${stack.baseUrl}/v1/generations`, { experimentId: id, model: 'local/image', prompt: 'x' })).status).toBe(400);

    const finished: GenerationView[] = await Promise.all([...sticky, ...spread].map((r) => waitForGeneration(stack.baseUrl, r.body.id as string)));
    const succeeded = finished.filter((g) => g.status === 'succeeded');
    expect(succeeded.length).toBe(variants.filter((v) => v === 'v1').length + (stickyVariants.has('v1') ? 4 : 0));

    // Ratings: validated, stored, forwarded; a failed generation cannot be rated.
    expect((await postJson(`${stack.baseUrl}/v1/generations/${succeeded[0]!.id}/rating`, { rating: 6 })).status).toBe(400);
    const failed = finished.find((g) => g.status === 'failed')!;
    expect((await postJson(`${stack.baseUrl}/v1/generations/${failed.id}/rating`, { rating: 3 })).status).toBe(409);
    for (const [i, g] of succeeded.slice(0, 3).entries()) {
      const rated = await postJson(`${stack.baseUrl}/v1/generations/${g.id}/rating`, { rating: 3 + (i % 2), feedback: 'nice' });
      expect(rated.status).toBe(200);
      expect(rated.body.experimentNotified).toBe(true);
    }
    // Re-rating replaces, not adds.
    await postJson(`${stack.baseUrl}/v1/generations/${succeeded[0]!.id}/rating`, { rating: 5 });

    // Every outcome reaches the experiment workflow.
    let results: ExperimentResults | undefined;
    for (let i = 0; i < 100; i++) {
      results = (await getJson<ExperimentResults>(`${stack.baseUrl}/v1/experiments/${id}/results`)).body;
      if (results.outcomes === 20 && results.variants[0]!.rating.n === 3) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const [small, flakyResult] = results!.variants;
    expect(results!.outcomes).toBe(20);
    expect(small!.samples + flakyResult!.samples).toBe(20);
    expect(small!.successRate).toBe(1);
    expect(flakyResult!.successRate).toBe(0);
    expect(small!.successRateInterval!.low).toBeGreaterThan(0.5);
    expect(small!.latencyMs.p50).toBeGreaterThan(0);
    expect(small!.rating.n).toBe(3);
    expect(small!.rating.mean).toBeCloseTo((5 + 4 + 3) / 3, 10);
    expect(results!.comparisons.find((c) => c.metric === 'success_rate')!.pValue).toBeLessThan(0.01);
    // 10 samples each is below minSamplesPerVariant (100): no recommendation yet.
    expect(results!.recommendation.decided).toBe(false);
    expect(results!.recommendation.text).toMatch(/^not enough data/);

    // Segments: only the "pro" outcomes.
    const pro = (await getJson<ExperimentResults>(`${stack.baseUrl}/v1/experiments/${id}/results?segment=pro`)).body;
    expect(pro.segments).toContain('pro');
    expect(pro.variants.reduce((s, v) => s + v.samples, 0)).toBe(4);

    // Pause, then complete; the list shows it.
    expect((await postJson(`${stack.baseUrl}/v1/experiments/${id}/pause`, {})).body.status).toBe('paused');
    expect((await postJson(`${stack.baseUrl}/v1/generations`, { experimentId: id, prompt: 'x' })).status).toBe(409);
    expect((await postJson(`${stack.baseUrl}/v1/experiments/${id}/complete`, {})).body.status).toBe('completed');
    const list = (await getJson<{ data: Array<{ id: string; status: string }> }>(`${stack.baseUrl}/v1/experiments`)).body.data;
    expect(list.find((e) => e.id === id)?.status).toBe('completed');
    // After completion the persisted results still answer.
    const final = (await getJson<ExperimentResults>(`${stack.baseUrl}/v1/experiments/${id}/results`)).body;
    expect(final.outcomes).toBe(20);
  });

  it('answers 404 for an unknown experiment and generation', async () => {
    expect((await getJson(`${stack.baseUrl}/v1/experiments/00000000-0000-0000-0000-000000000000`)).status).toBe(404);
    expect((await postJson(`${stack.baseUrl}/v1/generations/00000000-0000-0000-0000-000000000000/rating`, { rating: 3 })).status).toBe(404);
    expect((await postJson(`${stack.baseUrl}/v1/generations`, { experimentId: 'nope', prompt: 'x' })).status).toBe(400);
  });
});

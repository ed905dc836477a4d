import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { AcmeFake, acmeYaml } from '../fakes/custom-http';
import { getJson, postJson, requestJson, startStack, temporalAddress, waitForGeneration, type Stack } from '../support/stack';

interface ModelView {
  id: string;
  provider: string;
  price: unknown;
}

/** The acme declaration of the YAML fixture, as a JSON body (no id: the path names it). */
function acmeDeclaration(baseUrl: string): Record<string, unknown> {
  const doc = parseYaml(acmeYaml(baseUrl, ['acme'])) as { providers: Array<Record<string, unknown>> };
  const { id: _id, ...declaration } = doc.providers[0]!;
  return declaration;
}

describe.skipIf(!temporalAddress)('custom providers declared over the API', () => {
  const key = `sk-api-${randomUUID()}`;
  const fake = new AcmeFake({ keys: [key] });
  const id = `acme-api-${randomUUID().slice(0, 8)}`;
  let stack: Stack;
  const url = (p = id) => `${stack.baseUrl}/v1/custom-providers/${p}`;

  beforeAll(async () => {
    await fake.start();
    fake.pollsToComplete = 1;
    // Its own database: provider configs and declarations apply to every stack sharing one.
    stack = await startStack({ ownDatabase: true });
  });
  afterAll(async () => {
    await stack?.stop();
    await fake.stop();
  });

  it('refuses a built-in id, a bad declaration naming the field, and a body whose id differs from the path', async () => {
    const builtIn = await requestJson('PUT', url('openai'), acmeDeclaration(fake.url));
    expect(builtIn.status).toBe(409);
    expect(builtIn.body.error).toMatchObject({ code: 'CONFLICT' });

    const bad = await requestJson('PUT', url(), { ...acmeDeclaration(fake.url), baseUrl: 'ftp://nowhere' });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'INVALID_REQUEST', message: expect.stringContaining('baseUrl') as unknown });
    const noModels = await requestJson('PUT', url(), { ...acmeDeclaration(fake.url), models: [] });
    expect(noModels.status).toBe(400);
    expect(noModels.body.error).toMatchObject({ message: expect.stringContaining('models') as unknown });

    const other = await requestJson('PUT', url(), { ...acmeDeclaration(fake.url), id: 'someone-else' });
    expect(other.status).toBe(400);
    expect((await requestJson('GET', url())).status).toBe(404);
    // An id no declaration could have names nothing: 404 on reads and deletes, 400 on a PUT.
    expect((await requestJson('GET', url('%14'))).status).toBe(404);
    expect((await requestJson('DELETE', url('Not-An-Id'))).status).toBe(404);
    expect((await requestJson('PUT', url('Not-An-Id'), acmeDeclaration(fake.url))).status).toBe(400);
  });

  it('a declared provider runs generations at once with keys set over the config API, and shows in /v1/models and /v1/providers', async () => {
    const put = await requestJson('PUT', url(), acmeDeclaration(fake.url));
    expect(put.status).toBe(201);
    expect(put.body).toMatchObject({ id, version: 1, models: [`${id}/image`, `${id}/render`, `${id}/writer`] });

    const keys = await requestJson('PUT', `${stack.baseUrl}/v1/providers/${id}/config`, { apiKeys: [key] });
    expect(keys.status).toBe(200);

    const model = await getJson<ModelView>(`${stack.baseUrl}/v1/models/${id}/image`);
    expect(model.status).toBe(200);
    expect(model.body).toMatchObject({ provider: id, price: expect.anything() as unknown });

    const submit = await postJson(`${stack.baseUrl}/v1/generations`, { model: `${id}/image`, prompt: 'a kite over the sea' });
    expect(submit.status).toBe(202);
    const done = await waitForGeneration(stack.baseUrl, submit.body.id as string);
    expect(done.status).toBe('succeeded');
    expect(done.outputs).toHaveLength(1);
    expect(fake.keysSeen()).toContain(key);

    const task = await postJson(`${stack.baseUrl}/v1/generations`, { model: `${id}/render`, prompt: 'a kite, slowly', parameters: { duration: 2 } });
    expect(task.status).toBe(202);
    expect((await waitForGeneration(stack.baseUrl, task.body.id as string)).status).toBe('succeeded');

    const listed = await getJson<{ data: Array<{ id: string; custom: boolean }> }>(`${stack.baseUrl}/v1/providers`);
    expect(listed.body.data.find((p) => p.id === id)).toMatchObject({ custom: true });
    const all = await getJson<{ data: Array<{ id: string; version: number }> }>(`${stack.baseUrl}/v1/custom-providers`);
    expect(all.body.data.map((p) => p.id)).toEqual([id]);
  });

  it('a replaced declaration takes effect at once (version 2, a model fewer); a deleted provider is gone and its models refused', async () => {
    const declaration = acmeDeclaration(fake.url);
    const models = (declaration.models as Array<{ id: string }>).filter((m) => m.id !== 'render');
    const put = await requestJson('PUT', url(), { ...declaration, displayName: 'Acme, again', models });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ version: 2, models: [`${id}/image`, `${id}/writer`] });
    expect((await getJson(`${stack.baseUrl}/v1/models/${id}/render`)).status).toBe(404);
    const gone = await postJson(`${stack.baseUrl}/v1/generations`, { model: `${id}/render`, prompt: 'x' });
    expect(gone.status).toBe(400);

    const again = await postJson(`${stack.baseUrl}/v1/generations`, { model: `${id}/image`, prompt: 'a second kite' });
    expect(again.status).toBe(202);
    expect((await waitForGeneration(stack.baseUrl, again.body.id as string)).status).toBe('succeeded');

    expect((await requestJson('DELETE', url())).status).toBe(204);
    expect((await requestJson('DELETE', url())).status).toBe(404);
    expect((await getJson(`${stack.baseUrl}/v1/models/${id}/image`)).status).toBe(404);
    const after = await postJson(`${stack.baseUrl}/v1/generations`, { model: `${id}/image`, prompt: 'x' });
    expect(after.status).toBe(400);
  });
});

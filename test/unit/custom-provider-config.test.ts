import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { loadCustomProviders, parseCustomProviders, toProvider } from '../../providers/custom/load';
import { parseDefaultModels, resolveModelSelection } from '../../providers/model-selection';

/** A minimal valid declaration; each test breaks one field. */
function valid() {
  return {
    providers: [
      {
        id: 'acme',
        baseUrl: 'https://api.acme.test/v1',
        auth: { header: 'Authorization', value: 'Bearer {{apiKey}}' },
        models: [
          {
            id: 'fast',
            kinds: ['text-to-image'],
            parameters: {
              width: { type: 'integer', min: 64, max: 2048, default: 512, description: 'pixels' },
              style: { type: 'string', enum: ['vivid', 'natural'] },
              hd: { type: 'boolean', default: false },
            },
            submit: { path: '/images', body: { prompt: '{{prompt}}', width: '{{parameters.width}}', n: '{{numberOfOutputs}}' } },
            outputs: { urls: '$.data[*].url' },
          },
          {
            id: 'slow',
            kinds: ['text-to-video'],
            submit: { path: '/videos', body: { prompt: '{{prompt}}' } },
            task: { idPath: '$.id', status: { path: '/videos/{{taskId}}' }, statusPath: '$.status', statusMap: { done: 'succeeded', busy: 'running' } },
            outputs: { urls: '$.video.url' },
          },
        ],
      },
    ],
  };
}

function errorOf(mutate: (doc: ReturnType<typeof valid>) => void): string {
  const doc = valid();
  mutate(doc);
  try {
    parseCustomProviders(doc, 'test.yaml');
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected the declaration to be rejected');
}

describe('custom provider declarations', () => {
  it('accepts a valid file and turns it into a provider with a model table', () => {
    const [decl] = parseCustomProviders(valid(), 'test.yaml');
    const provider = toProvider(decl!);
    expect(provider).toMatchObject({ id: 'acme', requiresApiKey: true, custom: true, defaultBaseUrl: 'https://api.acme.test/v1' });
    expect(provider.models.map((m) => [m.id, m.async])).toEqual([
      ['acme/fast', false],
      ['acme/slow', true],
    ]);
  });

  it('turns declared parameters into a zod schema: defaults, ranges, enums, unknown keys rejected', () => {
    const fast = toProvider(parseCustomProviders(valid(), 't')[0]!).models[0]!;
    expect(fast.parameters.parse({})).toEqual({ width: 512, hd: false });
    expect(fast.parameters.safeParse({ width: 10 }).success).toBe(false);
    expect(fast.parameters.safeParse({ width: 1.5 }).success).toBe(false);
    expect(fast.parameters.safeParse({ style: 'loud' }).success).toBe(false);
    expect(fast.parameters.safeParse({ colour: 'red' }).success).toBe(false);
    const schema = z.toJSONSchema(fast.parameters, { io: 'input' }) as { properties: Record<string, Record<string, unknown>> };
    expect(schema.properties.width).toMatchObject({ type: 'integer', minimum: 64, maximum: 2048, default: 512, description: 'pixels' });
    expect(schema.properties.style).toMatchObject({ enum: ['vivid', 'natural'] });
  });

  it.each([
    ['a missing base URL', (d: ReturnType<typeof valid>) => delete (d.providers[0] as { baseUrl?: string }).baseUrl, 'providers[acme].baseUrl'],
    ['a base URL that is not http(s)', (d: ReturnType<typeof valid>) => (d.providers[0]!.baseUrl = 'ftp://x'), 'providers[acme].baseUrl'],
    ['an auth value without {{apiKey}}', (d: ReturnType<typeof valid>) => (d.providers[0]!.auth.value = 'Bearer x'), 'providers[acme].auth.value: must contain {{apiKey}}'],
    ['an unknown kind', (d: ReturnType<typeof valid>) => (d.providers[0]!.models[0]!.kinds = ['text-to-smell']), 'providers[acme].models[fast].kinds[0]'],
    ['a bad JSON path', (d: ReturnType<typeof valid>) => (d.providers[0]!.models[0]!.outputs.urls = 'data.url'), "providers[acme].models[fast].outputs.urls: JSON path must start with '$'"],
    ['no output path', (d: ReturnType<typeof valid>) => (d.providers[0]!.models[0]!.outputs = {} as { urls: string }), 'providers[acme].models[fast].outputs: give at least one of'],
    ['a placeholder of an undeclared parameter', (d: ReturnType<typeof valid>) => ((d.providers[0]!.models[0]!.submit.body as Record<string, string>).h = '{{parameters.height}}'), 'providers[acme].models[fast].submit.body: unknown placeholder {{parameters.height}}'],
    ['{{apiKey}} in a body', (d: ReturnType<typeof valid>) => ((d.providers[0]!.models[0]!.submit.body as Record<string, string>).k = '{{apiKey}}'), 'submit.body: {{apiKey}} belongs in the auth header only'],
    ['{{taskId}} in a submit path', (d: ReturnType<typeof valid>) => (d.providers[0]!.models[0]!.submit.path = '/x/{{taskId}}'), 'submit.path: unknown placeholder {{taskId}}'],
    ['a status map without succeeded', (d: ReturnType<typeof valid>) => (d.providers[0]!.models[1]!.task!.statusMap = { busy: 'running' } as never), 'providers[acme].models[slow].task.statusMap'],
    ['a status mapped to no genflow status', (d: ReturnType<typeof valid>) => (d.providers[0]!.models[1]!.task!.statusMap = { done: 'finished' } as never), 'providers[acme].models[slow].task.statusMap.done'],
    ['a default outside min/max', (d: ReturnType<typeof valid>) => ((d.providers[0]!.models[0]!.parameters!.width as { default: number }).default = 5), 'providers[acme].models[fast].parameters.width.default'],
    ['min above max', (d: ReturnType<typeof valid>) => ((d.providers[0]!.models[0]!.parameters!.width as { min: number }).min = 4096), 'parameters.width.min: min is greater than max'],
    ['an unknown field (typo)', (d: ReturnType<typeof valid>) => ((d.providers[0]!.models[0] as Record<string, unknown>).sumbit = {}), 'providers[acme].models[fast]: Unrecognized key: "sumbit"'],
    ['a model id with another provider prefix', (d: ReturnType<typeof valid>) => (d.providers[0]!.models[0]!.id = 'other/fast'), "must start with 'acme/'"],
    ['an id used twice', (d: ReturnType<typeof valid>) => d.providers.push(structuredClone(d.providers[0]!)), 'providers[acme].id: declared twice'],
  ])('rejects %s, naming the field', (_what, mutate, expected) => {
    const message = errorOf(mutate);
    expect(message).toContain('test.yaml');
    expect(message).toContain(expected);
  });

  it("accepts the README's example as written", () => {
    const readme = readFileSync('README.md', 'utf8');
    const example = /### Custom HTTP providers[\s\S]*?```yaml\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(example).toBeDefined();
    const providers = parseCustomProviders(parse(example!), 'README.md').map(toProvider);
    expect(providers[0]?.models.map((m) => [m.id, m.kinds[0], m.async])).toEqual([
      ['acme/image', 'text-to-image', false],
      ['acme/render', 'text-to-video', true],
      ['acme/writer', 'text-to-text', false],
    ]);
  });

  describe('files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'genflow-decl-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('loads the same declaration from YAML and from JSON', () => {
      const yaml = join(dir, 'p.yaml');
      writeFileSync(yaml, 'providers:\n  - id: acme\n    baseUrl: https://api.acme.test\n    models:\n      - id: a\n        kinds: [text-to-image]\n        submit: { path: /a }\n        outputs: { base64: "$.image" }\n');
      const json = join(dir, 'p.json');
      writeFileSync(json, JSON.stringify(valid()));
      expect(loadCustomProviders({ GENFLOW_CUSTOM_PROVIDERS: yaml }).map((p) => [p.id, p.requiresApiKey])).toEqual([['acme', false]]);
      expect(loadCustomProviders({ GENFLOW_CUSTOM_PROVIDERS: json })[0]?.models).toHaveLength(2);
      expect(loadCustomProviders({})).toEqual([]);
    });

    it('says which file is unreadable or not YAML', () => {
      expect(() => loadCustomProviders({ GENFLOW_CUSTOM_PROVIDERS: join(dir, 'missing.yaml') })).toThrow(/GENFLOW_CUSTOM_PROVIDERS: cannot read .*missing\.yaml/);
      const broken = join(dir, 'broken.yaml');
      writeFileSync(broken, 'providers: [\n');
      expect(() => loadCustomProviders({ GENFLOW_CUSTOM_PROVIDERS: broken })).toThrow(/broken\.yaml is not valid YAML/);
    });
  });
});

describe('default models per kind and the prompt enhancer', () => {
  it('parses kind=model lists and names a bad entry', () => {
    expect(parseDefaultModels('text-to-image=acme/fast, text-to-speech=local/speech')).toEqual({ 'text-to-image': 'acme/fast', 'text-to-speech': 'local/speech' });
    expect(() => parseDefaultModels('image=local/image')).toThrow(/GENFLOW_DEFAULT_MODELS: 'image=local\/image'/);
  });

  it('defaults to the local models and checks each choice against the registry', () => {
    const selection = resolveModelSelection({});
    expect(selection.defaults['text-to-image']).toBe('local/image');
    expect(selection.promptEnhancer.model).toBe('local/text');
    expect(() => resolveModelSelection({ GENFLOW_DEFAULT_MODELS: 'text-to-image=nope/x' })).toThrow(/text-to-image=nope\/x: no such model/);
    expect(() => resolveModelSelection({ GENFLOW_DEFAULT_MODELS: 'text-to-image=local/speech' })).toThrow(/does not do text-to-image/);
    expect(() => resolveModelSelection({ GENFLOW_PROMPT_ENHANCER_MODEL: 'local/image' })).toThrow(/GENFLOW_PROMPT_ENHANCER_MODEL: local\/image: not a text-to-text model/);
  });
});

import { describe, expect, it } from 'vitest';
import { parseProgress } from '../../providers/custom/adapter';
import { jsonPath, parseJsonPath } from '../../providers/custom/json-path';
import { placeholders, renderJson, renderPath, renderString } from '../../providers/custom/template';

describe('JSON paths', () => {
  const doc = { id: 7, data: [{ url: 'a' }, { url: 'b' }, { b64: 'x' }], 'task-info': { status: 'done' }, nested: { list: [[1, 2], [3]] } };

  it('selects keys, indexes, the last element, and every element', () => {
    expect(jsonPath('$.id').first(doc)).toBe(7);
    expect(jsonPath('$.data[*].url').all(doc)).toEqual(['a', 'b']);
    expect(jsonPath('$.data[1].url').first(doc)).toBe('b');
    expect(jsonPath('$.data[-1].b64').first(doc)).toBe('x');
    expect(jsonPath("$['task-info'].status").first(doc)).toBe('done');
    expect(jsonPath('$.task-info.status').first(doc)).toBe('done');
    expect(jsonPath('$.nested.list[*][0]').all(doc)).toEqual([1, 3]);
    expect(jsonPath('$').first(doc)).toBe(doc);
  });

  it('selects nothing on missing branches instead of throwing', () => {
    expect(jsonPath('$.missing.deeper[0]').all(doc)).toEqual([]);
    expect(jsonPath('$.id.x').first(doc)).toBeUndefined();
    expect(jsonPath('$.data[9]').all(doc)).toEqual([]);
  });

  it('rejects malformed paths with the reason', () => {
    expect(() => parseJsonPath('data.url')).toThrow(/must start with '\$'/);
    expect(() => parseJsonPath('$.data[')).toThrow(/unexpected/);
    expect(() => parseJsonPath('$.')).toThrow(/expected a name/);
  });
});

describe('templates', () => {
  const vars = { prompt: 'a "fox"', numberOfOutputs: 2, parameters: { width: 512, style: 'vivid', tags: ['a', 'b'] }, taskId: 'a/b c' };

  it('keeps the type of a whole-value placeholder and leaves out absent ones', () => {
    const body = renderJson(
      { prompt: '{{prompt}}', n: '{{numberOfOutputs}}', size: '{{parameters.width}}x{{parameters.width}}', w: '{{ parameters.width }}', tags: '{{parameters.tags}}', seed: '{{parameters.seed}}', list: ['{{parameters.style}}', '{{parameters.none}}'], fixed: true },
      vars,
    );
    expect(body).toEqual({ prompt: 'a "fox"', n: 2, size: '512x512', w: 512, tags: ['a', 'b'], list: ['vivid'], fixed: true });
  });

  it('encodes values in URL paths but not in plain strings', () => {
    expect(renderPath('/tasks/{{taskId}}', vars)).toBe('/tasks/a%2Fb%20c');
    expect(renderString('Bearer {{apiKey}}', { apiKey: 'k/1' })).toBe('Bearer k/1');
  });

  it('lists placeholders anywhere in a template', () => {
    expect(placeholders({ a: ['{{prompt}}', { b: 'x {{parameters.w}} {{taskId}}' }], c: 3 })).toEqual(['prompt', 'parameters.w', 'taskId']);
  });

  it('reads progress as a fraction from 0.4, 40 and "40%"', () => {
    expect([parseProgress(0.4), parseProgress(40), parseProgress('40%'), parseProgress('0.5'), parseProgress('n/a'), parseProgress(-1)]).toEqual([0.4, 0.4, 0.4, 0.5, undefined, undefined]);
  });
});

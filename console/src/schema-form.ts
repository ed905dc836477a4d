import { h } from './dom';
import type { JsonSchema } from './types';

/**
 * A form built from a model's parameter schema (`GET /v1/models`): enums become selects,
 * bounded numbers sliders with a number box, booleans checkboxes, strings text boxes, anything
 * else a JSON box. Each control starts at the schema's default; `values()` answers only what
 * the user set or changed, so the model's own defaults stay the server's business.
 */
export interface SchemaForm {
  element: HTMLElement;
  values(): Record<string, unknown>;
}

type Field = { name: string; read(): unknown; touched(): boolean };

const typeOf = (s: JsonSchema): string | undefined => (Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type);

/** `anyOf` of literals (zod's z.literal([...])) reads as an enum. */
function enumOf(s: JsonSchema): Array<string | number | boolean> | undefined {
  if (s.enum) return s.enum;
  if (s.anyOf?.every((a) => a.const !== undefined)) return s.anyOf.map((a) => a.const as string | number | boolean);
  return undefined;
}

function control(name: string, s: JsonSchema): { input: HTMLElement; field: Field } {
  const id = `param-${name}`;
  const options = enumOf(s);
  let dirty = false;
  const mark = () => (dirty = true);
  if (options) {
    const select = h('select', { id, name, onchange: mark });
    if (s.default === undefined) select.append(h('option', { value: '' }, '—'));
    for (const o of options) select.append(h('option', { value: String(o), selected: o === s.default }, String(o)));
    const numeric = options.every((o) => typeof o === 'number');
    return { input: select, field: { name, touched: () => dirty && select.value !== '', read: () => (numeric ? Number(select.value) : select.value) } };
  }
  const type = typeOf(s);
  if (type === 'boolean') {
    const box = h('input', { id, name, type: 'checkbox', checked: s.default === true, onchange: mark });
    return { input: box, field: { name, touched: () => dirty, read: () => box.checked } };
  }
  if (type === 'integer' || type === 'number') {
    const min = s.minimum ?? s.exclusiveMinimum;
    const max = s.maximum ?? s.exclusiveMaximum;
    const step = type === 'integer' ? 1 : max !== undefined && min !== undefined && max - min <= 10 ? 0.1 : 'any';
    const value = typeof s.default === 'number' ? s.default : '';
    const box = h('input', { id, name, type: 'number', min, max, step, value, class: 'num' });
    if (min === undefined || max === undefined || max - min > 100_000) {
      box.addEventListener('input', mark);
      return { input: box, field: { name, touched: () => dirty && box.value !== '', read: () => Number(box.value) } };
    }
    // A bounded range: a slider with the exact value in a box beside it, each following the other.
    const slider = h('input', { type: 'range', min, max, step, value: value === '' ? min : value, 'aria-label': `${name} slider` });
    slider.addEventListener('input', () => {
      box.value = slider.value;
      mark();
    });
    box.addEventListener('input', () => {
      slider.value = box.value;
      mark();
    });
    return { input: h('span', { class: 'range' }, slider, box), field: { name, touched: () => dirty && box.value !== '', read: () => Number(box.value) } };
  }
  if (type === 'string') {
    const long = (s.maxLength ?? 1000) > 200;
    const box = long
      ? h('textarea', { id, name, rows: 2, maxlength: s.maxLength, oninput: mark }, typeof s.default === 'string' ? s.default : '')
      : h('input', { id, name, type: 'text', maxlength: s.maxLength, value: typeof s.default === 'string' ? s.default : '', oninput: mark });
    return { input: box, field: { name, touched: () => dirty, read: () => box.value } };
  }
  const box = h('textarea', { id, name, rows: 2, placeholder: 'JSON', oninput: mark }, s.default === undefined ? '' : JSON.stringify(s.default));
  return { input: box, field: { name, touched: () => dirty && box.value.trim() !== '', read: () => JSON.parse(box.value) as unknown } };
}

export function schemaForm(schema: JsonSchema): SchemaForm {
  const fields: Field[] = [];
  const rows = Object.entries(schema.properties ?? {}).map(([name, s]) => {
    const { input, field } = control(name, s);
    fields.push(field);
    return h('div', { class: 'field' }, h('label', { for: `param-${name}` }, name), input, s.description ? h('small', { class: 'muted' }, s.description) : null);
  });
  return {
    element: h('div', { class: 'schema-form' }, ...(rows.length ? rows : [h('p', { class: 'muted' }, 'This model takes no parameters.')])),
    values: () => Object.fromEntries(fields.filter((f) => f.touched()).map((f) => [f.name, f.read()])),
  };
}

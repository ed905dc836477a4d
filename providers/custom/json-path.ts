/**
 * A small JSONPath subset for custom provider declarations: `$`, `.name`, `['name']`, `[3]`,
 * `[-1]` (from the end) and `[*]` / `.*` (every element). Enough to point at a task id, a
 * status or the list of output URLs in any JSON response, small enough to validate up front.
 */
export type PathStep = { type: 'key'; name: string } | { type: 'index'; index: number } | { type: 'all' };

export class JsonPathError extends Error {
  override readonly name = 'JsonPathError';
}

const NAME = /^[A-Za-z_$][\w$-]*/;

export function parseJsonPath(expr: string): PathStep[] {
  if (!expr.startsWith('$')) throw new JsonPathError(`JSON path must start with '$': ${JSON.stringify(expr)}`);
  const steps: PathStep[] = [];
  let rest = expr.slice(1);
  while (rest.length > 0) {
    if (rest.startsWith('.*')) {
      steps.push({ type: 'all' });
      rest = rest.slice(2);
      continue;
    }
    if (rest.startsWith('.')) {
      const name = NAME.exec(rest.slice(1))?.[0];
      if (!name) throw new JsonPathError(`expected a name after '.' in ${JSON.stringify(expr)}`);
      steps.push({ type: 'key', name });
      rest = rest.slice(1 + name.length);
      continue;
    }
    const bracket = /^\[(?:\*|(-?\d+)|'([^']*)'|"([^"]*)")\]/.exec(rest);
    if (!bracket) throw new JsonPathError(`unexpected ${JSON.stringify(rest.slice(0, 10))} in JSON path ${JSON.stringify(expr)}`);
    if (bracket[1] !== undefined) steps.push({ type: 'index', index: Number(bracket[1]) });
    else if (bracket[2] !== undefined || bracket[3] !== undefined) steps.push({ type: 'key', name: (bracket[2] ?? bracket[3])! });
    else steps.push({ type: 'all' });
    rest = rest.slice(bracket[0].length);
  }
  return steps;
}

/** Every value the path selects, in document order; missing branches select nothing. */
export function selectAll(doc: unknown, steps: readonly PathStep[]): unknown[] {
  let current: unknown[] = [doc];
  for (const step of steps) {
    const next: unknown[] = [];
    for (const value of current) {
      if (step.type === 'key') {
        if (value !== null && typeof value === 'object' && !Array.isArray(value) && Object.hasOwn(value, step.name)) {
          next.push((value as Record<string, unknown>)[step.name]);
        }
      } else if (step.type === 'index') {
        if (Array.isArray(value)) {
          const i = step.index < 0 ? value.length + step.index : step.index;
          if (i >= 0 && i < value.length) next.push(value[i]);
        }
      } else if (Array.isArray(value)) {
        for (const item of value as unknown[]) next.push(item);
      } else if (value !== null && typeof value === 'object') {
        for (const item of Object.values(value as Record<string, unknown>)) next.push(item);
      }
    }
    current = next;
  }
  // `[*]` over a path that ends in an array of arrays is not flattened: outputs are leaves.
  return current.filter((v) => v !== undefined && v !== null);
}

/** A compiled path: parse once at load, select many times. */
export function jsonPath(expr: string) {
  const steps = parseJsonPath(expr);
  return {
    expr,
    all: (doc: unknown): unknown[] => selectAll(doc, steps),
    first: (doc: unknown): unknown => selectAll(doc, steps)[0],
  };
}
export type JsonPath = ReturnType<typeof jsonPath>;

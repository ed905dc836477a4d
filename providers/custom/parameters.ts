import { z } from 'zod';

/** How a custom model declares one parameter; turned into zod so the API validates it. */
export const parameterDeclaration = z
  .strictObject({
    type: z.enum(['string', 'integer', 'number', 'boolean']),
    description: z.string().optional(),
    enum: z.array(z.union([z.string(), z.number()])).min(1).optional(),
    default: z.union([z.string(), z.number(), z.boolean()]).optional(),
    /** Numbers: the smallest value; strings: the shortest length. */
    min: z.number().optional(),
    max: z.number().optional(),
    required: z.boolean().optional(),
  })
  .superRefine((p, ctx) => {
    if (p.min !== undefined && p.max !== undefined && p.min > p.max) ctx.addIssue({ code: 'custom', path: ['min'], message: 'min is greater than max' });
    if (p.type === 'boolean' && (p.min !== undefined || p.max !== undefined || p.enum)) {
      ctx.addIssue({ code: 'custom', path: ['type'], message: 'a boolean takes no min, max or enum' });
    }
    if (p.default !== undefined && p.required) ctx.addIssue({ code: 'custom', path: ['required'], message: 'a parameter with a default is not required' });
    if (p.default !== undefined) {
      const check = parameterSchema(p).safeParse(p.default);
      if (!check.success) ctx.addIssue({ code: 'custom', path: ['default'], message: `default does not fit: ${check.error.issues[0]?.message}` });
    }
  });
export type ParameterDeclaration = z.infer<typeof parameterDeclaration>;

function base(p: ParameterDeclaration): z.ZodType {
  // One literal of many values: JSON Schema shows it as a plain `enum`.
  if (p.enum) return z.literal(p.enum);
  switch (p.type) {
    case 'boolean':
      return z.boolean();
    case 'string': {
      let s = z.string();
      if (p.min !== undefined) s = s.min(p.min);
      if (p.max !== undefined) s = s.max(p.max);
      return s;
    }
    default: {
      let n = p.type === 'integer' ? z.int() : z.number();
      if (p.min !== undefined) n = n.min(p.min);
      if (p.max !== undefined) n = n.max(p.max);
      return n;
    }
  }
}

/** One parameter's schema, without optionality or default. */
export function parameterSchema(p: ParameterDeclaration): z.ZodType {
  const schema = base(p);
  return p.description ? schema.describe(p.description) : schema;
}

/** The model's parameter object: strict, so a misspelt parameter is an error, not ignored. */
export function parametersSchema(declared: Record<string, ParameterDeclaration>): z.ZodType<Record<string, unknown>> {
  const shape: Record<string, z.ZodType> = {};
  for (const [name, p] of Object.entries(declared)) {
    const schema = parameterSchema(p);
    shape[name] = p.default !== undefined ? schema.default(p.default) : p.required ? schema : schema.optional();
  }
  return z.strictObject(shape);
}

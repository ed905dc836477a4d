/**
 * How one provider names the normalised video parameters (`durationSeconds`, `aspectRatio`,
 * `resolution`, see domain/video-options.ts) on the wire. A model row declares it as data; the
 * adapter calls `toWireVideoParameters` once, so no adapter renames fields by hand.
 */
export interface VideoWireField {
  /** The provider's field name. */
  field: string;
  /** Kling and Kie send durations as strings ("5"), most others as numbers. */
  as?: 'string' | 'number';
  /** Value translations (Runway's "16:9" → "1280:720", Sora's "16:9" → "landscape"). */
  values?: Readonly<Record<string, string>>;
}

export interface VideoWireNames {
  /** Absent: the parameter is not sent (a fixed-length model whose API refuses the field). */
  durationSeconds?: VideoWireField;
  aspectRatio?: VideoWireField;
  resolution?: VideoWireField;
}

const NORMALISED = ['durationSeconds', 'aspectRatio', 'resolution'] as const;

function wireValue(value: unknown, spec: VideoWireField): unknown {
  const mapped = typeof value === 'string' || typeof value === 'number' ? (spec.values?.[String(value)] ?? value) : value;
  if (spec.as === 'string') return String(mapped);
  if (spec.as === 'number') return Number(mapped);
  return mapped;
}

/**
 * The parameters with the normalised video fields replaced by the provider's names and values.
 * The API has already refused values the model does not allow, so every value here has a
 * translation; fields without a wire name are dropped rather than sent under a wrong name.
 */
export function toWireVideoParameters(parameters: Record<string, unknown>, wire: VideoWireNames): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(parameters)) {
    if ((NORMALISED as readonly string[]).includes(key)) continue;
    out[key] = value;
  }
  for (const key of NORMALISED) {
    const spec = wire[key];
    const value = parameters[key];
    if (spec && value !== undefined) out[spec.field] = wireValue(value, spec);
  }
  return out;
}

import type { GenerationOutput, GenerationView, ModelSelectedBy } from '../domain/generation';
import { isTerminal, type GenerationStatus } from '../domain/status';
import type { AssetRow, GenerationRow } from '../db/schema';

const iso = (d: Date | string | null): string | undefined =>
  d === null ? undefined : (d instanceof Date ? d : new Date(d)).toISOString();

export function assetUrl(baseUrl: string, assetId: string): string {
  return `${baseUrl}/v1/assets/${assetId}/content`;
}

/** The charge once settled, as on the generation view: present when it finished and was settled. */
export function settledCost(row: Pick<GenerationRow, 'cost' | 'status'>): { cost?: number } {
  return isTerminal(row.status as GenerationStatus) && row.cost !== null ? { cost: Number(row.cost) } : {};
}

/** A stored output as the API shows it, on a generation and on a batch item. */
export function outputView(a: AssetRow, baseUrl: string): GenerationOutput {
  return {
    id: a.id,
    url: assetUrl(baseUrl, a.id),
    contentType: a.content_type,
    bytes: Number(a.bytes),
    sha256: a.sha256,
    ...(a.width !== null ? { width: a.width } : {}),
    ...(a.height !== null ? { height: a.height } : {}),
    ...(a.duration_seconds !== null ? { durationSeconds: Number(a.duration_seconds) } : {}),
  };
}

export function generationView(row: GenerationRow, assets: AssetRow[], baseUrl: string): GenerationView {
  const view: GenerationView = {
    id: row.id,
    model: row.model,
    provider: row.provider,
    kind: row.kind,
    status: row.status as GenerationStatus,
    progress: Number(row.progress),
    prompt: row.prompt,
    ...(row.enhanced_prompt !== null ? { enhancedPrompt: row.enhanced_prompt } : {}),
    modelSelectedBy: row.model_selected_by as ModelSelectedBy,
    parameters: row.parameters,
    metadata: row.metadata,
    outputs: assets.map((a) => outputView(a, baseUrl)),
    estimatedCost: Number(row.estimated_cost ?? 0),
    createdAt: iso(row.created_at) ?? '',
  };
  if (row.error_code) {
    view.error = {
      code: row.error_code,
      message: row.error_message ?? '',
      ...(row.error_details !== null ? { details: row.error_details } : {}),
    };
  }
  if (row.experiment_id) {
    view.experiment = {
      id: row.experiment_id,
      variantId: row.experiment_variant ?? '',
      ...(row.experiment_segment ? { segment: row.experiment_segment } : {}),
    };
  }
  if (row.result_model) view.resultModel = row.result_model;
  if (row.fallback_models?.length) view.fallbackModels = row.fallback_models;
  if (row.attempts?.length) view.attempts = row.attempts;
  if (row.webhook_url) view.webhookUrl = row.webhook_url;
  if (row.studio_shot_id) view.shotId = row.studio_shot_id;
  if (row.studio_frame_id) view.frameId = row.studio_frame_id;
  const settled = row.billing?.settled;
  if (isTerminal(view.status) && row.cost !== null) {
    view.cost = Number(row.cost);
    view.costSource = settled?.source ?? 'estimate';
    if (settled?.reason) view.costReason = settled.reason;
  }
  const startedAt = iso(row.started_at);
  if (startedAt) view.startedAt = startedAt;
  const completedAt = iso(row.completed_at);
  if (completedAt) view.completedAt = completedAt;
  return view;
}

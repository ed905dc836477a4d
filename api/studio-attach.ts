import { z } from 'zod';
import type { Principal } from '../domain/accounts';
import { GenflowError } from '../domain/errors';
import type { CreateGenerationBody } from '../domain/generation';
import type { ProjectDefaults } from '../domain/studio';
import { checkVideoOptions } from '../domain/video-options';
import type { StudioRepo } from '../db/studio-repo';
import { BUILT_IN_DEFAULT_MODELS, type ModelSelection } from '../providers/model-selection';
import type { ModelCatalogue, ModelEntry } from '../providers/catalogue';
import { builtInCatalogue } from '../providers/registry';
import { canSee } from './auth';

/** A project's default model must exist now, not at its first submit. */
export function checkProjectDefaults(defaults: ProjectDefaults, catalogue: ModelCatalogue): void {
  if (defaults.model !== undefined && !catalogue.findModel(defaults.model)) {
    throw new GenflowError('INVALID_REQUEST', `defaults.model: unknown model '${defaults.model}' (GET /v1/models lists them)`, {
      details: { issues: [{ field: 'defaults.model', message: 'unknown model' }] },
    });
  }
}

const parameterNames = new Map<string, Set<string>>();
/** The parameters a model takes, from its schema (cached: the table does not change at run time). */
function parametersOf(entry: ModelEntry): Set<string> {
  let names = parameterNames.get(entry.model.id);
  if (!names) {
    const schema = z.toJSONSchema(entry.model.parameters, { io: 'input', unrepresentable: 'any' }) as { properties?: Record<string, unknown> };
    names = new Set(Object.keys(schema.properties ?? {}));
    parameterNames.set(entry.model.id, names);
  }
  return names;
}

function applyDefaults(body: CreateGenerationBody, defaults: ProjectDefaults, projectName: string, selection: Partial<Record<string, string>>, catalogue: ModelCatalogue): CreateGenerationBody {
  const out: CreateGenerationBody = { ...body };
  if (out.model === undefined && defaults.model !== undefined) {
    const entry = catalogue.findModel(defaults.model);
    // A request that asks for a kind the project's model lacks gets the configured default of that kind.
    if (entry && (out.kind === undefined || entry.model.kinds.includes(out.kind))) out.model = defaults.model;
  }
  if (out.model === undefined && out.kind === undefined) {
    throw new GenflowError('INVALID_REQUEST', `model: give \`model\` or \`kind\`; project '${projectName}' has no default model`, {
      details: { issues: [{ field: 'model', message: 'give `model`, or `kind` to use the default model for that kind' }] },
    });
  }
  if (out.numberOfOutputs === undefined && defaults.numberOfOutputs !== undefined) out.numberOfOutputs = defaults.numberOfOutputs;
  const modelId = out.model ?? selection[out.kind!];
  const entry = modelId ? catalogue.findModel(modelId) : undefined;
  if (!entry || !defaults.parameters) return out;
  const own = out.parameters ?? {};
  const takes = parametersOf(entry);
  const inherited = Object.fromEntries(Object.entries(defaults.parameters).filter(([k]) => !(k in own) && takes.has(k)));
  if (Object.keys(inherited).length === 0) return out;
  // A default the model cannot honour is refused, naming where it came from; never dropped silently.
  const fromProject = (message: string) => `${message} (inherited from project '${projectName}' defaults; set it in this request's parameters or change the project's defaults)`;
  try {
    checkVideoOptions(entry.model.id, entry.model.video, inherited);
  } catch (err) {
    if (err instanceof GenflowError) throw new GenflowError(err.code, fromProject(err.message), { details: err.details });
    throw err;
  }
  const merged = { ...inherited, ...own };
  const parsed = entry.model.parameters.safeParse(merged);
  if (!parsed.success && entry.model.parameters.safeParse(own).success) {
    const issue = parsed.error.issues[0];
    const field = `parameters.${issue?.path.join('.') ?? ''}`;
    throw new GenflowError('INVALID_PARAMETERS', fromProject(`${field}: ${issue?.message ?? 'invalid'}`), { details: { issues: [{ field, message: issue?.message ?? 'invalid' }] } });
  }
  out.parameters = merged;
  return out;
}

/**
 * A submit naming `frameId` or `shotId`: the frame or shot must be the caller's (another
 * owner's answers 404, like a generation's), and the request inherits its project's defaults
 * for the fields it left unset. The ids stay on the body, and create() stores them with the row.
 */
export function createStudioAttach(deps: { studio: StudioRepo; modelSelection?: ModelSelection }) {
  const selection = deps.modelSelection?.defaults ?? BUILT_IN_DEFAULT_MODELS;
  const catalogue = deps.modelSelection?.catalogue ?? builtInCatalogue;
  return {
    async resolve(body: CreateGenerationBody, caller: Principal): Promise<CreateGenerationBody> {
      if (body.frameId === undefined && body.shotId === undefined) return body;
      if (body.frameId !== undefined && body.shotId !== undefined) {
        throw new GenflowError('INVALID_REQUEST', 'frameId, shotId: give one; a generation is attached to a frame or to a shot', {
          details: { issues: [{ field: 'shotId', message: 'give frameId or shotId, not both' }] },
        });
      }
      const [level, id] = body.frameId !== undefined ? (['frame', body.frameId] as const) : (['shot', body.shotId!] as const);
      const node = await deps.studio.findNode(level, id);
      if (!node || !canSee(caller, node.owner)) {
        throw new GenflowError('NOT_FOUND', `${level}Id: no ${level} with id '${id}'`, { details: { issues: [{ field: `${level}Id`, message: `unknown ${level}` }] } });
      }
      if (node.owner !== caller.owner) {
        throw new GenflowError('FORBIDDEN', `${level}Id: the ${level} belongs to another owner's project; a generation joins only its own owner's projects`);
      }
      const project = await deps.studio.findProject(node.project_id);
      if (!project) throw new GenflowError('NOT_FOUND', `${level}Id: no ${level} with id '${id}'`);
      return applyDefaults(body, project.defaults, project.name, selection, catalogue);
    },
  };
}
export type StudioAttach = ReturnType<typeof createStudioAttach>;

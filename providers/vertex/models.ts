import { z } from 'zod';
import { defineModel } from '../define-model';
import { perImage } from '../pricing';
import type { ModelSpec } from '../types';

/**
 * Google's Imagen edit, upscale and product-recontext models on Vertex AI. All three are the
 * same `:predict` call with a different body (`api` picks it, requests.ts builds it).
 */
export interface VertexModelExtra {
  api: 'edit' | 'upscale' | 'recontext';
  /** The model id in the URL path. */
  wireModel: string;
  maxOutputs: number;
}
export type VertexModel = ModelSpec & VertexModelExtra;

/** `parameters.editMode` of imagen-3.0-capability-001 (Vertex AI REST reference, EditMode). */
export const EDIT_MODES = ['EDIT_MODE_INPAINT_INSERTION', 'EDIT_MODE_INPAINT_REMOVAL', 'EDIT_MODE_OUTPAINT', 'EDIT_MODE_BGSWAP'] as const;
/** `maskImageConfig.maskMode`: the user's mask, or one the model makes. */
export const MASK_MODES = ['MASK_MODE_USER_PROVIDED', 'MASK_MODE_BACKGROUND', 'MASK_MODE_FOREGROUND', 'MASK_MODE_SEMANTIC'] as const;
const PERSON_GENERATION = z.enum(['dont_allow', 'allow_adult', 'allow_all']).optional();

export const editParameters = z.strictObject({
  editMode: z.enum(EDIT_MODES).default('EDIT_MODE_INPAINT_INSERTION').describe('Insert or remove within the mask, outpaint beyond the image, or swap the background'),
  mask: z.string().min(1).optional().describe('The mask image (data URL or URL), same size as the input: non-zero pixels mark what to edit'),
  maskMode: z
    .enum(MASK_MODES)
    .optional()
    .describe('Without a mask: let the model mask the background, the foreground or the maskClasses (semantic); BGSWAP defaults to the background'),
  maskClasses: z.array(z.int().min(0)).min(1).optional().describe('With maskMode MASK_MODE_SEMANTIC: the segmentation class ids to mask'),
  dilation: z.number().min(0).max(1).optional().describe('Grows the mask by this fraction of the image width (0–1)'),
  guidanceScale: z.int().min(0).max(500).optional().describe('How closely to follow the prompt'),
  baseSteps: z.int().min(1).optional().describe('Sampling steps; more is slower and finer'),
  negativePrompt: z.string().max(2000).optional(),
  personGeneration: PERSON_GENERATION,
});

export const upscaleParameters = z.strictObject({
  // genflow's one name for an upscale factor (README "Providers"); sent as upscaleConfig.upscaleFactor "x<n>".
  scale: z.literal([2, 3, 4]).default(2).describe('Upscale factor: 2, 3 or 4 (the output is the input times it, at most 17 megapixels)'),
});

export const recontextParameters = z.strictObject({
  personGeneration: PERSON_GENERATION,
  enhancePrompt: z.boolean().optional().describe('Let the model rewrite the prompt'),
});

const sync = { async: false, expectedDurationSeconds: 15, maxDurationSeconds: 180 } as const;

// Prices: Vertex AI generative AI pricing, Imagen section (per output image), at the time of
// writing; the upscale and recontext previews' rows were not confirmed offline (README).
export const vertexModels: VertexModel[] = [
  defineModel<typeof editParameters, VertexModelExtra>({
    id: 'vertex/imagen-3-edit',
    api: 'edit',
    wireModel: 'imagen-3.0-capability-001',
    maxOutputs: 4,
    kinds: ['image-to-image'],
    description: 'Imagen 3 editing on Vertex AI: inpaint (insert, remove), outpaint or swap the background, with your mask or one the model makes',
    parameters: editParameters,
    inputImages: { mode: 'base64', max: 1 },
    ...sync,
    price: perImage(0.02, { notes: 'Vertex AI price of Imagen 3 editing and customization' }),
  }),
  defineModel<typeof upscaleParameters, VertexModelExtra>({
    id: 'vertex/imagen-4-upscale',
    api: 'upscale',
    wireModel: 'imagen-4.0-upscale-preview',
    maxOutputs: 1,
    kinds: ['upscale'],
    description: 'Imagen 4 upscale (preview) on Vertex AI: ×2, ×3 or ×4 of one image, up to 17 megapixels; the prompt is not used',
    parameters: upscaleParameters,
    inputImages: { mode: 'base64', max: 1 },
    ...sync,
    price: perImage(0.06, { notes: 'estimate: Vertex AI price of Imagen 4 upscale (preview), the same for every factor' }),
  }),
  defineModel<typeof recontextParameters, VertexModelExtra>({
    id: 'vertex/imagen-product-recontext',
    api: 'recontext',
    wireModel: 'imagen-product-recontext-preview-06-30',
    maxOutputs: 4,
    kinds: ['image-to-image'],
    description: 'Imagen product recontext (preview, allow-listed) on Vertex AI: up to 3 views of one product placed in the scene the prompt describes',
    parameters: recontextParameters,
    inputImages: { mode: 'base64', max: 3 },
    ...sync,
    price: perImage(0.12, { notes: 'estimate: Vertex AI price of Imagen product recontext (preview)' }),
  }),
];

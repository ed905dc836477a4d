import { ProviderError } from '../../domain/errors';
import type { GenerationRequest } from '../../domain/generation';
import { toWireVideoParameters } from '../video-wire';
import type { KieApi } from './api';
import type { KieModel } from './models';

export interface KieCreateRequest {
  api: KieApi;
  body: Record<string, unknown>;
}

function invalid(message: string): ProviderError {
  return new ProviderError('INVALID_PARAMETERS', `kie: ${message}`);
}

/** Kie fetches input images itself, so each must be a public http(s) URL. */
function imageUrls(request: GenerationRequest, model: KieModel): string[] {
  const images = request.inputImages;
  if (images.length > model.inputImages.max) throw invalid(`${model.id} accepts at most ${model.inputImages.max} input image(s)`);
  for (const url of images) {
    if (!/^https?:\/\//i.test(url)) throw invalid(`${model.id} needs input images as http(s) URLs that Kie can download`);
  }
  return images;
}

/**
 * Maps a genflow request onto the create body of the model's API family. Parameter names in
 * the model schemas are the wire names, so `parameters` is spread in as it is.
 */
export function buildCreateRequest(request: GenerationRequest, model: KieModel, callBackUrl?: string): KieCreateRequest {
  // Video models take the normalised names; Kie's own names are put in here.
  const params = model.videoWire ? toWireVideoParameters(request.parameters, model.videoWire) : request.parameters;
  const images = imageUrls(request, model);
  const n = request.numberOfOutputs;
  const callback = callBackUrl ? { callBackUrl } : {};
  const route = model.route;
  if (model.maxPromptLength !== undefined && request.prompt.length > model.maxPromptLength) {
    throw invalid(`${model.id} takes prompts of at most ${model.maxPromptLength} characters`);
  }
  if (route.api !== 'midjourney' && n > model.maxOutputs) throw invalid(`${model.id} makes at most ${model.maxOutputs} output(s) per request`);

  switch (route.api) {
    case 'gpt4o-image':
      if (n === 3) throw invalid('4o image makes 1, 2 or 4 variants');
      return {
        api: route.api,
        body: { prompt: request.prompt, ...params, nVariants: n, ...(images.length ? { filesUrl: images } : {}), ...callback },
      };
    case 'flux-kontext': {
      const safety = params.safetyTolerance;
      if (images.length && typeof safety === 'number' && safety > 2) throw invalid('safetyTolerance must be 0 to 2 when editing an image');
      return {
        api: route.api,
        body: { prompt: request.prompt, ...params, model: route.model, ...(images[0] ? { inputImage: images[0] } : {}), ...callback },
      };
    }
    case 'jobs': {
      const market = images.length ? route.imageModel : route.textModel;
      if (!market) throw invalid(images.length ? `${model.id} takes no input images` : `${model.id} needs at least one input image`);
      // Upscalers and the watermark remover take no prompt; genflow still requires one.
      const input: Record<string, unknown> = { ...(route.noPrompt ? {} : { prompt: request.prompt }), ...params };
      if (route.countField) input[route.countField] = n;
      if (route.scaleField && typeof input.scale === 'number') {
        input[route.scaleField] = String(input.scale);
        delete input.scale;
      }
      if (images.length && (route.imageField === 'image_url' || route.imageField === 'image')) {
        // Single-image models (image-to-video, upscale) follow the image's ratio and take no aspect_ratio.
        input[route.imageField] = images[0];
        delete input.aspect_ratio;
        if (images[1]) {
          if (!route.tailImageField) throw invalid(`${model.id} takes one input image`);
          input[route.tailImageField] = images[1];
        }
      } else if (images.length) {
        input.image_urls = images;
      }
      if (!images.length && route.textRatioField && input.aspect_ratio !== undefined) {
        input[route.textRatioField] = input.aspect_ratio;
        delete input.aspect_ratio;
      }
      return { api: route.api, body: { model: market, ...callback, input } };
    }
    case 'veo':
      return {
        api: route.api,
        body: {
          prompt: request.prompt,
          model: route.model,
          ...params,
          ...(images.length ? { imageUrls: images, generationType: 'FIRST_AND_LAST_FRAMES_2_VIDEO' } : { generationType: 'TEXT_2_VIDEO' }),
          ...callback,
        },
      };
    case 'veo-extend':
    case 'runway-extend': {
      // The source video is named by its Kie task id; the prompt says how it continues. A source
      // named by its genflow generation is resolved to its task id before the adapter (the submit
      // activity, which also picks the key that made it); Kie never sees sourceGenerationId.
      const { sourceGenerationId: _resolved, ...rest } = params;
      if (typeof rest.taskId !== 'string') {
        throw new ProviderError('INVALID_PARAMETERS', 'kie: the source video has no Kie task id (sourceGenerationId was not resolved)', { retryable: false });
      }
      return {
        api: route.api,
        body: { taskId: rest.taskId, prompt: request.prompt, ...rest, ...callback },
      };
    }
    case 'runway': {
      if (params.duration === 10 && params.quality === '1080p') {
        throw new ProviderError('UNSUPPORTED_CAPABILITY', 'kie: Runway makes 10 second clips in 720p only', {
          details: { parameter: 'resolution', requested: '1080p', allowed: ['720p'] },
        });
      }
      const { aspectRatio, ...rest } = params;
      return {
        api: route.api,
        // With an image the clip follows the image's ratio; aspectRatio is for text-to-video.
        body: { prompt: request.prompt, ...rest, ...(images[0] ? { imageUrl: images[0] } : { aspectRatio }), ...callback },
      };
    }
    case 'midjourney':
      return {
        api: route.api,
        body: {
          taskType: images.length ? 'mj_img2img' : 'mj_txt2img',
          prompt: request.prompt,
          ...params,
          ...(images.length ? { fileUrls: images } : {}),
          ...callback,
        },
      };
  }
}

import type { WireFieldTable } from '../wire-fields';

/**
 * Kie.ai request bodies as its per-model pages document them (docs.kie.ai). Market models
 * share `POST /api/v1/jobs/createTask` with `{ model, callBackUrl, input }`; the names inside
 * `input` differ per model, which is why each model is its own family here.
 *
 * Checked against stored copies of the pages: google/nano-banana (`image_size` with ratio
 * values), google/nano-banana-edit (`aspect_ratio`; `image_size` deprecated there),
 * bytedance/seedream-v4-edit, sora-2-image-to-video, kling/v2-5-turbo-image-to-video-pro,
 * wan/2-5-image-to-video. The text-to-X pages of Seedream, Sora 2, Kling and Wan, and the
 * dedicated APIs (4o image, Flux Kontext, Veo, Runway, Midjourney) rest on the docs as read
 * when the adapter was written (README: "rests on docs alone").
 */
const JOBS_TOP = ['model', 'callBackUrl', 'input'];
const jobs = (doc: string, input: string[], required: string[] = ['input.prompt']) => ({
  doc: `https://docs.kie.ai/market/${doc}`,
  fields: { '': JOBS_TOP, input },
  required: ['model', ...required],
});

export const kieWireFields: WireFieldTable = {
  provider: 'kie',
  doc: 'https://docs.kie.ai',
  families: {
    'gpt4o-image': {
      doc: 'https://docs.kie.ai/4o-image-api/generate-4-o-image',
      fields: { '': ['prompt', 'filesUrl', 'fileUrl', 'size', 'nVariants', 'maskUrl', 'callBackUrl', 'isEnhance', 'uploadCn', 'enableFallback', 'fallbackModel'] },
      required: ['size'],
    },
    'flux-kontext': {
      doc: 'https://docs.kie.ai/flux-kontext-api/generate-or-edit-image',
      fields: { '': ['prompt', 'enableTranslation', 'uploadCn', 'inputImage', 'aspectRatio', 'outputFormat', 'promptUpsampling', 'model', 'callBackUrl', 'watermark', 'safetyTolerance'] },
      required: ['prompt'],
    },
    'google/nano-banana': jobs('google/nano-banana', ['prompt', 'output_format', 'image_size']),
    'google/nano-banana-edit': jobs('google/nano-banana-edit', ['prompt', 'image_urls', 'output_format', 'aspect_ratio', 'image_size'], ['input.prompt', 'input.image_urls']),
    'bytedance/seedream-v4-text-to-image': jobs('seedream/seedream-v4-text-to-image', ['prompt', 'image_size', 'image_resolution', 'max_images', 'seed', 'nsfw_checker']),
    'bytedance/seedream-v4-edit': jobs('seedream/seedream-v4-edit', ['prompt', 'image_urls', 'image_size', 'image_resolution', 'max_images', 'seed', 'nsfw_checker'], ['input.prompt', 'input.image_urls']),
    'sora-2-text-to-video': jobs('sora2/sora-2-text-to-video', ['prompt', 'aspect_ratio', 'n_frames', 'remove_watermark', 'character_id_list']),
    'sora-2-image-to-video': jobs('sora2/sora-2-image-to-video', ['prompt', 'image_urls', 'aspect_ratio', 'n_frames', 'remove_watermark', 'character_id_list'], ['input.prompt', 'input.image_urls']),
    'kling/v2-5-turbo-text-to-video-pro': jobs('kling/v25-turbo-text-to-video-pro', ['prompt', 'duration', 'aspect_ratio', 'negative_prompt', 'cfg_scale']),
    'kling/v2-5-turbo-image-to-video-pro': jobs('kling/v25-turbo-image-to-video-pro', ['prompt', 'image_url', 'tail_image_url', 'duration', 'negative_prompt', 'cfg_scale'], ['input.prompt', 'input.image_url']),
    'wan/2-5-text-to-video': jobs('wan/2-5-text-to-video', ['prompt', 'duration', 'aspect_ratio', 'resolution', 'negative_prompt', 'enable_prompt_expansion', 'seed', 'nsfw_checker']),
    'wan/2-5-image-to-video': jobs('wan/2-5-image-to-video', ['prompt', 'image_url', 'duration', 'resolution', 'negative_prompt', 'enable_prompt_expansion', 'seed', 'nsfw_checker'], ['input.prompt', 'input.image_url', 'input.duration']),
    // Added for issue #19. Checked against stored copies: sora-watermark-remover (`video_url`,
    // `upload_method`), runway extend (`taskId`, `prompt`, `quality`, `waterMark`, `imageUrl`,
    // `expandPrompt`), veo extend (`taskId`, `prompt`, `seeds`, `watermark`, `model`), Kie's
    // Kling 2.1 and Wan 2.2 Turbo playground pages (field descriptions). The rest rest on the
    // docs as read (README: "rests on docs alone").
    'sora-2-pro-text-to-video': jobs('sora2/sora-2-pro-text-to-video', ['prompt', 'aspect_ratio', 'n_frames', 'size', 'remove_watermark', 'character_id_list']),
    'sora-2-pro-image-to-video': jobs('sora2/sora-2-pro-image-to-video', ['prompt', 'image_urls', 'aspect_ratio', 'n_frames', 'size', 'remove_watermark', 'character_id_list'], ['input.prompt', 'input.image_urls']),
    'sora-watermark-remover': jobs('sora2/sora-watermark-remover', ['video_url', 'upload_method'], ['input.video_url']),
    'nano-banana-upscale': jobs('google/nano-banana-upscale', ['image', 'scale', 'face_enhance'], ['input.image']),
    // docs.kie.ai/market/topaz/image-upscale: `image_url`, `upscale_factor` ("1", "2", "4", "8").
    'topaz/image-upscale': jobs('topaz/image-upscale', ['image_url', 'upscale_factor'], ['input.image_url']),
    'kling/v2-1-standard': jobs('kling/v2-1-standard', ['prompt', 'image_url', 'duration', 'negative_prompt', 'cfg_scale'], ['input.prompt', 'input.image_url']),
    'kling/v2-1-pro': jobs('kling/v2-1-pro', ['prompt', 'image_url', 'tail_image_url', 'duration', 'negative_prompt', 'cfg_scale'], ['input.prompt', 'input.image_url']),
    'wan/2-2-a14b-text-to-video-turbo': jobs('wan/2-2-a14b-text-to-video-turbo', ['prompt', 'resolution', 'aspect_ratio', 'enable_prompt_expansion', 'seed', 'acceleration']),
    'wan/2-2-a14b-image-to-video-turbo': jobs('wan/2-2-a14b-image-to-video-turbo', ['prompt', 'image_url', 'resolution', 'enable_prompt_expansion', 'seed', 'acceleration'], ['input.prompt', 'input.image_url']),
    'bytedance/v1-pro-text-to-video': jobs('bytedance/v1-pro-text-to-video', ['prompt', 'aspect_ratio', 'resolution', 'duration', 'camera_fixed', 'seed', 'enable_safety_checker']),
    'bytedance/v1-pro-image-to-video': jobs('bytedance/v1-pro-image-to-video', ['prompt', 'image_url', 'resolution', 'duration', 'camera_fixed', 'seed', 'enable_safety_checker'], ['input.prompt', 'input.image_url']),
    'veo-extend': {
      doc: 'https://docs.kie.ai/veo3-api/extend-video',
      fields: { '': ['taskId', 'prompt', 'seeds', 'watermark', 'callBackUrl', 'model'] },
      required: ['taskId', 'prompt'],
    },
    'runway-extend': {
      doc: 'https://docs.kie.ai/runway-api/extend-ai-video',
      fields: { '': ['taskId', 'prompt', 'imageUrl', 'expandPrompt', 'quality', 'waterMark', 'callBackUrl'] },
      required: ['taskId', 'prompt', 'quality'],
    },
    veo: {
      doc: 'https://docs.kie.ai/veo3-api/generate-veo-3-video',
      fields: { '': ['prompt', 'imageUrls', 'model', 'generationType', 'aspectRatio', 'seeds', 'callBackUrl', 'enableFallback', 'enableTranslation', 'watermark'] },
      required: ['prompt'],
    },
    runway: {
      doc: 'https://docs.kie.ai/runway-api/generate-ai-video',
      fields: { '': ['prompt', 'imageUrl', 'duration', 'quality', 'aspectRatio', 'waterMark', 'callBackUrl'] },
      required: ['prompt', 'duration', 'quality'],
    },
    midjourney: {
      doc: 'https://docs.kie.ai/mj-api/generate-mj-image',
      fields: { '': ['taskType', 'speed', 'prompt', 'fileUrl', 'fileUrls', 'aspectRatio', 'version', 'variety', 'stylization', 'weirdness', 'waterMark', 'callBackUrl', 'enableTranslation'] },
      required: ['taskType', 'prompt'],
    },
  },
};

import type { WireFieldTable } from '../wire-fields';

/**
 * Runway's developer API bodies (docs.dev.runwayml.com/api, "Start generating"), sent with
 * `X-Runway-Version: 2024-11-06`: one family per endpoint. `ratio` is a pixel size
 * ("1280:720"), not an aspect ratio; `promptImage` an https URL or a data URI.
 *
 * `POST /v1/image_to_video` is checked against stored copies of the reference (quoted by
 * proxies that mirror it: promptImage, model, ratio, seed, promptText, duration).
 * `POST /v1/text_to_video` and `contentModeration` rest on the docs as read when the adapter
 * was written — not confirmed offline (README: "rests on docs alone").
 */
export const runwayWireFields: WireFieldTable = {
  provider: 'runway',
  doc: 'https://docs.dev.runwayml.com/api',
  families: {
    image_to_video: {
      doc: 'https://docs.dev.runwayml.com/api/#tag/Start-generating/paths/~1v1~1image_to_video/post',
      fields: { '': ['model', 'promptImage', 'promptText', 'ratio', 'duration', 'seed', 'contentModeration'] },
      required: ['model', 'promptImage', 'ratio'],
    },
    text_to_video: {
      doc: 'https://docs.dev.runwayml.com/api/#tag/Start-generating/paths/~1v1~1text_to_video/post',
      fields: { '': ['model', 'promptText', 'ratio', 'duration', 'seed', 'contentModeration'] },
      required: ['model', 'promptText', 'ratio'],
    },
  },
};

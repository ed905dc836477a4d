import { GenflowError } from '../domain/errors';
import type { Storage } from '../media/storage/types';
import type { ModelSpec } from '../providers/types';

/**
 * A model that takes images by URL only (the provider downloads them) gets a presigned storage
 * URL for each prepared input, which only storage that can presign (S3) gives. On local disk it
 * gets the caller's own http(s) URL, so an inline or uploaded image could never reach the
 * provider: refused here, at POST, rather than after the workflow has started.
 */
export function checkUrlOnlyInputs(model: ModelSpec, inputs: readonly string[], storage: Storage | undefined): void {
  if (model.inputImages.mode !== 'url' || storage?.presignGet) return;
  const index = inputs.findIndex((input) => !/^https?:\/\//i.test(input));
  if (index < 0) return;
  throw new GenflowError(
    'UNSUPPORTED_CAPABILITY',
    `inputImages[${index}]: ${model.id} takes images by URL only, and this storage cannot hand out URLs; pass an https URL or configure S3 storage (GENFLOW_STORAGE=s3)`,
    { details: { issues: [{ field: `inputImages[${index}]`, message: 'an http(s) URL is required with local storage' }] } },
  );
}

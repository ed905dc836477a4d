import { adminPageDocs } from '../routes/admin-page.doc';
import { alertDocs } from '../routes/alerts.doc';
import { apiKeyDocs } from '../routes/api-keys.doc';
import { batchDocs } from '../routes/batches.doc';
import { catalogDocs } from '../routes/catalog.doc';
import { consoleDocs } from '../routes/console.doc';
import { customProviderDocs } from '../routes/custom-providers.doc';
import { experimentDocs } from '../routes/experiments.doc';
import { generationDocs } from '../routes/generations.doc';
import { operationsDocs } from '../routes/health.doc';
import { openAiImageDocs } from '../routes/openai-images.doc';
import { openApiDocs } from '../routes/openapi.doc';
import { providerConfigDocs } from '../routes/provider-config.doc';
import { providerWebhookDocs } from '../routes/provider-webhooks.doc';
import { ratingDocs } from '../routes/ratings.doc';
import { studioDocs } from '../routes/studio.doc';
import { usageDocs } from '../routes/usage.doc';
import type { RouteDoc } from './registry';

/**
 * Every documented route. A new route gets an entry in its `<resource>.doc.ts` next to it and,
 * for a new file, one line here; test/unit/openapi-coverage.test.ts fails until it has.
 */
export const routeDocs: readonly RouteDoc[] = [
  ...catalogDocs,
  ...generationDocs,
  ...ratingDocs,
  ...batchDocs,
  ...studioDocs,
  ...experimentDocs,
  ...openAiImageDocs,
  ...adminPageDocs,
  ...consoleDocs,
  ...openApiDocs,
  ...operationsDocs,
  ...providerConfigDocs,
  ...customProviderDocs,
  ...apiKeyDocs,
  ...usageDocs,
  ...alertDocs,
  ...providerWebhookDocs,
];

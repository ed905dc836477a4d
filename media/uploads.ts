import type { Storage } from './storage/types';

/**
 * Inline images (data URLs, multipart files) are put in storage by the API and replaced by a
 * reference, so neither the database row nor the workflow input carries megabytes of base64
 * (Temporal refuses payloads over 2 MB). Users cannot forge references: the API's precheck
 * refuses any input that is not http(s) or data:, and the worker only follows references under
 * the generation's own `uploads/<id>/` folder.
 */
export const UPLOAD_REF = 'genflow-upload:';

export async function stashInlineImages(storage: Storage, generationId: string, inputs: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const [index, input] of inputs.entries()) {
    const match = /^data:([^;,]*)[^,]*;base64,(.*)$/s.exec(input);
    if (!match) {
      out.push(input);
      continue;
    }
    const key = `uploads/${generationId}/${index}`;
    await storage.put(key, Buffer.from(match[2] ?? '', 'base64'), match[1] || 'application/octet-stream');
    out.push(`${UPLOAD_REF}${key}`);
  }
  return out;
}

/** The storage key behind a reference, only when it belongs to `generationId`. */
export function uploadKey(input: string, generationId: string): string | undefined {
  if (!input.startsWith(UPLOAD_REF)) return undefined;
  const key = input.slice(UPLOAD_REF.length);
  return /^uploads\/[0-9a-f-]+\/\d+$/.test(key) && key.startsWith(`uploads/${generationId}/`) ? key : undefined;
}

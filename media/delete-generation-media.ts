import type { Storage } from './storage/types';

/** Every folder a generation's objects live under: outputs, prepared inputs, uploaded inputs. */
export function generationPrefixes(generationId: string): string[] {
  return [`generations/${generationId}/`, `inputs/${generationId}/`, `uploads/${generationId}/`];
}

/** Deletes all of a generation's stored objects; answers how many there were. */
export async function deleteGenerationMedia(storage: Storage, generationId: string): Promise<number> {
  let deleted = 0;
  for (const prefix of generationPrefixes(generationId)) deleted += await storage.deletePrefix(prefix);
  return deleted;
}

import type { Storage } from './storage/types';

/** Every folder a generation's objects live under: its outputs and its prepared inputs. */
export function generationPrefixes(generationId: string): string[] {
  return [`generations/${generationId}/`, `inputs/${generationId}/`];
}

/** Deletes all of a generation's stored objects; answers how many there were. */
export async function deleteGenerationMedia(storage: Storage, generationId: string): Promise<number> {
  let deleted = 0;
  for (const prefix of generationPrefixes(generationId)) deleted += await storage.deletePrefix(prefix);
  return deleted;
}

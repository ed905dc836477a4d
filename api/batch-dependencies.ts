import type { BatchItemDependency } from '../domain/batch';
import { GenflowError } from '../domain/errors';
import type { CheckedSubmission } from './submission';

/**
 * Batch items may take an earlier item's output as an input image: `inputImages: [{"fromItem": 0}]`
 * (an image, then a video made from it). At submit such an entry stands in as a tiny PNG, so the
 * item is checked exactly like a single submit with one input image (the model takes images, not
 * more than it accepts, by URL only where storage can give one); it is then recorded as a
 * placeholder, and the batch workflow replaces it by the earlier item's stored output once that
 * item has succeeded (activities/batch-activities.ts).
 */

/** What an input image that is an earlier item's output is recorded as, until that item has run. */
export const FROM_ITEM_REF = 'genflow-batch-item:';

/** A 1×1 PNG: the stand-in the checks see for an input that is another item's output. */
const STAND_IN = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

/** Kinds whose outputs are images, so another item can take them as an input image. */
const IMAGE_OUTPUT_KINDS = new Set(['text-to-image', 'image-to-image', 'upscale']);

/** The caller (checkBatchItem) prefixes the item's index. */
function refuse(field: string, message: string): never {
  throw new GenflowError('INVALID_REQUEST', `${field}: ${message}`, { details: { issues: [{ field, message }] } });
}

/**
 * Takes the `{ "fromItem": n }` entries out of an item's `inputImages` (n must be an earlier
 * item, so there can be no cycle), putting the stand-in in their place.
 */
export function extractDependencies(raw: unknown, index: number): { item: unknown; dependencies: BatchItemDependency[] } {
  if (typeof raw !== 'object' || raw === null || !Array.isArray((raw as { inputImages?: unknown }).inputImages)) return { item: raw, dependencies: [] };
  const images = (raw as { inputImages: unknown[] }).inputImages;
  const dependencies: BatchItemDependency[] = [];
  const replaced = images.map((image, position) => {
    if (typeof image !== 'object' || image === null) return image;
    const keys = Object.keys(image);
    const fromItem = (image as { fromItem?: unknown }).fromItem;
    if (keys.length !== 1 || keys[0] !== 'fromItem' || typeof fromItem !== 'number' || !Number.isInteger(fromItem)) {
      refuse(`inputImages.${position}`, 'an input image is a URL, a data: URL, or {"fromItem": <index of an earlier item>}');
    }
    if (fromItem < 0 || fromItem >= index) {
      const range = index === 0 ? 'the first item has none' : index === 1 ? 'here only 0' : `here 0–${index - 1}`;
      refuse(`inputImages.${position}.fromItem`, `must be the index of an earlier item of this batch (${range}), got ${fromItem}`);
    }
    dependencies.push({ image: position, fromItem });
    return STAND_IN;
  });
  return { item: dependencies.length > 0 ? { ...raw, inputImages: replaced } : raw, dependencies };
}

/**
 * Checks each dependency against the item it names (which must make an image) and records the
 * inputs as placeholders in the checked request and its fallbacks.
 */
export function linkDependencies(checked: CheckedSubmission, dependencies: readonly BatchItemDependency[], earlier: readonly CheckedSubmission[]): CheckedSubmission {
  if (dependencies.length === 0) return checked;
  for (const { image, fromItem } of dependencies) {
    const source = earlier[fromItem]!;
    if (!IMAGE_OUTPUT_KINDS.has(source.request.kind)) {
      refuse(`inputImages.${image}.fromItem`, `item ${fromItem} makes ${source.request.kind} output, not an image`);
    }
  }
  const withRefs = (inputs: readonly string[]) => inputs.map((input, position) => {
    const dependency = dependencies.find((d) => d.image === position);
    return dependency ? `${FROM_ITEM_REF}${dependency.fromItem}` : input;
  });
  return {
    ...checked,
    request: { ...checked.request, inputImages: withRefs(checked.request.inputImages) },
    fallbacks: checked.fallbacks.map((f) => ({ ...f, request: { ...f.request, inputImages: withRefs(f.request.inputImages) } })),
  };
}

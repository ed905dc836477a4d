/**
 * A preprocessed input image, kept in storage so that only this small record crosses
 * Temporal (a base64 image in a workflow payload would hit the payload size limit).
 */
export interface PreparedInput {
  storageKey: string;
  contentType: string;
  bytes: number;
  sha256: string;
  width: number;
  height: number;
}

/** What one pass of the retention sweep removed. */
export interface RetentionSweep {
  assets: number;
  generations: number;
  files: number;
}

import sharp from 'sharp';

export interface MediaInfo {
  contentType: string;
  extension: string;
  width?: number;
  height?: number;
  durationSeconds?: number;
}

type Family = 'image' | 'wav' | 'iso-media' | 'other';
interface Sniffed {
  contentType: string;
  extension: string;
  family: Family;
}

const UNKNOWN: Sniffed = { contentType: 'application/octet-stream', extension: 'bin', family: 'other' };

function ascii(data: Buffer, start: number, length: number): string {
  return data.length >= start + length ? data.toString('latin1', start, start + length) : '';
}

/** ISO base media (ftyp) brands that are not plain MP4 video. */
const FTYP_BRANDS: Record<string, Omit<Sniffed, 'family'>> = {
  'qt  ': { contentType: 'video/quicktime', extension: 'mov' },
  avif: { contentType: 'image/avif', extension: 'avif' },
  avis: { contentType: 'image/avif', extension: 'avif' },
  heic: { contentType: 'image/heic', extension: 'heic' },
  heix: { contentType: 'image/heic', extension: 'heic' },
  mif1: { contentType: 'image/heif', extension: 'heif' },
  'M4A ': { contentType: 'audio/mp4', extension: 'm4a' },
};

/** Decides the type from magic bytes only: names and declared types are not trusted. */
function sniff(data: Buffer): Sniffed {
  const at = (i: number): number => data[i] ?? -1;
  if (ascii(data, 0, 8) === '\x89PNG\r\n\x1a\n') return { contentType: 'image/png', extension: 'png', family: 'image' };
  if (at(0) === 0xff && at(1) === 0xd8 && at(2) === 0xff) return { contentType: 'image/jpeg', extension: 'jpg', family: 'image' };
  if (/^GIF8[79]a$/.test(ascii(data, 0, 6))) return { contentType: 'image/gif', extension: 'gif', family: 'image' };
  if (ascii(data, 0, 4) === 'RIFF' && ascii(data, 8, 4) === 'WEBP') return { contentType: 'image/webp', extension: 'webp', family: 'image' };
  if (ascii(data, 0, 4) === 'RIFF' && ascii(data, 8, 4) === 'WAVE') return { contentType: 'audio/wav', extension: 'wav', family: 'wav' };
  if (ascii(data, 4, 4) === 'ftyp') {
    const brand = FTYP_BRANDS[ascii(data, 8, 4)];
    if (brand) return { ...brand, family: brand.contentType.startsWith('image/') ? 'image' : 'iso-media' };
    return { contentType: 'video/mp4', extension: 'mp4', family: 'iso-media' };
  }
  if (at(0) === 0x1a && at(1) === 0x45 && at(2) === 0xdf && at(3) === 0xa3) {
    // EBML: WebM names its doc type in the header; anything else is Matroska.
    return data.subarray(0, 64).includes('webm')
      ? { contentType: 'video/webm', extension: 'webm', family: 'other' }
      : { contentType: 'video/x-matroska', extension: 'mkv', family: 'other' };
  }
  if (ascii(data, 0, 4) === 'OggS') return { contentType: 'audio/ogg', extension: 'ogg', family: 'other' };
  if (ascii(data, 0, 4) === 'fLaC') return { contentType: 'audio/flac', extension: 'flac', family: 'other' };
  // MP3: an ID3 tag, or an MPEG audio frame sync with a valid layer.
  if (ascii(data, 0, 3) === 'ID3' || (at(0) === 0xff && (at(1) & 0xe0) === 0xe0 && ((at(1) >> 1) & 3) !== 0)) {
    return { contentType: 'audio/mpeg', extension: 'mp3', family: 'other' };
  }
  return UNKNOWN;
}

/** Header fields for when sharp cannot read the file, e.g. the head of a large animation. */
function headerDimensions(data: Buffer, extension: string): { width: number; height: number } | undefined {
  if (extension === 'png' && ascii(data, 12, 4) === 'IHDR' && data.length >= 24) return { width: data.readUInt32BE(16), height: data.readUInt32BE(20) };
  if (extension === 'gif' && data.length >= 10) return { width: data.readUInt16LE(6), height: data.readUInt16LE(8) };
  if (extension === 'webp' && ascii(data, 12, 4) === 'VP8X' && data.length >= 30) {
    return { width: data.readUIntLE(24, 3) + 1, height: data.readUIntLE(27, 3) + 1 };
  }
  return undefined;
}

async function imageInfo(data: Buffer, extension: string): Promise<Omit<MediaInfo, 'contentType' | 'extension'>> {
  try {
    const meta = await sharp(data).metadata();
    // For animations sharp reports the size of one frame and a delay per frame.
    const animated = (meta.pages ?? 1) > 1 && meta.delay !== undefined && meta.delay.length > 0;
    return {
      ...(meta.width !== undefined && meta.height !== undefined ? { width: meta.width, height: meta.height } : {}),
      ...(animated ? { durationSeconds: (meta.delay ?? []).reduce((sum, d) => sum + d, 0) / 1000 } : {}),
    };
  } catch {
    return headerDimensions(data, extension) ?? {};
  }
}

function wavDuration(data: Buffer): number | undefined {
  let byteRate = 0;
  for (let offset = 12; offset + 8 <= data.length; ) {
    const id = ascii(data, offset, 4);
    const size = data.readUInt32LE(offset + 4);
    if (id === 'fmt ' && offset + 20 <= data.length) byteRate = data.readUInt32LE(offset + 16);
    if (id === 'data') {
      // Streamed WAVs leave the size 0 or 0xFFFFFFFF; then the bytes present are all there is.
      const bytes = size === 0 || size === 0xffffffff ? data.length - offset - 8 : size;
      return byteRate > 0 ? bytes / byteRate : undefined;
    }
    offset += 8 + size + (size % 2);
  }
  return undefined;
}

/** Child boxes of an ISO-BMFF box body between `start` and `end`. */
function* boxes(data: Buffer, start: number, end: number): Generator<{ type: string; body: number; end: number }> {
  for (let offset = start; offset + 8 <= end; ) {
    let size = data.readUInt32BE(offset);
    let header = 8;
    if (size === 1 && offset + 16 <= end) {
      size = Number(data.readBigUInt64BE(offset + 8));
      header = 16;
    } else if (size === 0) {
      size = end - offset;
    }
    if (size < header) return;
    yield { type: ascii(data, offset + 4, 4), body: offset + header, end: Math.min(end, offset + size) };
    offset += size;
  }
}

function isoMediaInfo(data: Buffer): Omit<MediaInfo, 'contentType' | 'extension'> {
  const info: Omit<MediaInfo, 'contentType' | 'extension'> = {};
  for (const moov of boxes(data, 0, data.length)) {
    if (moov.type !== 'moov') continue;
    for (const box of boxes(data, moov.body, moov.end)) {
      if (box.type === 'mvhd' && box.body + 32 <= box.end) {
        const v1 = data[box.body] === 1;
        const timescale = data.readUInt32BE(box.body + (v1 ? 20 : 12));
        const duration = v1 ? Number(data.readBigUInt64BE(box.body + 24)) : data.readUInt32BE(box.body + 16);
        if (timescale > 0) info.durationSeconds = duration / timescale;
      }
      if (box.type === 'trak' && info.width === undefined) {
        // The track header ends with width and height as 16.16 fixed point; audio tracks have 0.
        const tkhd = [...boxes(data, box.body, box.end)].find((b) => b.type === 'tkhd');
        if (tkhd && tkhd.end - tkhd.body >= 84) {
          const width = data.readUInt32BE(tkhd.end - 8) >>> 16;
          const height = data.readUInt32BE(tkhd.end - 4) >>> 16;
          if (width > 0 && height > 0) Object.assign(info, { width, height });
        }
      }
    }
  }
  return info;
}

/**
 * Identifies media from its bytes (possibly just the head of a larger file) and reads what it
 * cheaply can: pixel size, and duration of animations, WAV and MP4/MOV. Never throws.
 */
export async function inspectMedia(data: Buffer): Promise<MediaInfo> {
  let sniffed = UNKNOWN;
  try {
    sniffed = sniff(data);
    const base = { contentType: sniffed.contentType, extension: sniffed.extension };
    if (sniffed.family === 'image') return { ...base, ...(await imageInfo(data, sniffed.extension)) };
    if (sniffed.family === 'wav') {
      const durationSeconds = wavDuration(data);
      return durationSeconds === undefined ? base : { ...base, durationSeconds };
    }
    if (sniffed.family === 'iso-media') return { ...base, ...isoMediaInfo(data) };
    return base;
  } catch {
    return { contentType: sniffed.contentType, extension: sniffed.extension };
  }
}

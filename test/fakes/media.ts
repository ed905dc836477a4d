import sharp from 'sharp';

/** A real PNG of one colour, so stored assets can be checked for format and size. */
export function pngImage(width: number, height: number, color = '#3a7bd5'): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: color } }).png().toBuffer();
}

export function jpegImage(width: number, height: number, color = '#d53a7b'): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: color } }).jpeg().toBuffer();
}

function box(type: string, ...children: Buffer[]): Buffer {
  const body = Buffer.concat(children);
  const header = Buffer.alloc(8);
  header.writeUInt32BE(8 + body.length, 0);
  header.write(type, 4, 'latin1');
  return Buffer.concat([header, body]);
}

/**
 * A small MP4 as far as a player's header parser goes: ftyp, then moov with mvhd (duration)
 * and one video trak whose tkhd carries the frame size, then an mdat of filler.
 */
export function mp4Video(durationSeconds: number, width: number, height: number): Buffer {
  const timescale = 1000;
  const mvhd = Buffer.alloc(100);
  mvhd.writeUInt32BE(timescale, 12);
  mvhd.writeUInt32BE(Math.round(durationSeconds * timescale), 16);
  const tkhd = Buffer.alloc(84);
  tkhd.writeUInt32BE(width << 16, 76);
  tkhd.writeUInt32BE(height << 16, 80);
  return Buffer.concat([
    box('ftyp', Buffer.from('isom\0\0\x02\0isomiso2mp41', 'latin1')),
    box('moov', box('mvhd', mvhd), box('trak', box('tkhd', tkhd))),
    box('mdat', Buffer.alloc(2048, 0x2a)),
  ]);
}

/**
 * MP3-shaped audio: an ID3v2 header and a run of MPEG-1 Layer III frame headers (128 kbit/s,
 * 44.1 kHz) with silent payloads. Enough for content sniffing and byte-for-byte checks.
 */
export function mp3Audio(frames = 40): Buffer {
  const id3 = Buffer.from([0x49, 0x44, 0x33, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]);
  const frameLength = 417; // floor(144 * 128000 / 44100)
  const frame = Buffer.alloc(frameLength);
  frame.set([0xff, 0xfb, 0x90, 0x64], 0);
  const body = Buffer.concat(Array.from({ length: frames }, (_, i) => {
    const f = Buffer.from(frame);
    f[frameLength - 1] = i & 0xff;
    return f;
  }));
  return Buffer.concat([id3, body]);
}

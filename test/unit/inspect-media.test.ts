import sharp, { type Sharp } from 'sharp';
import { describe, expect, it } from 'vitest';
import { inspectMedia } from '../../media/inspect';

const solid = (width: number, height: number): Sharp => sharp({ create: { width, height, channels: 3, background: '#3366cc' } });

/** Three frames of 40x30 with the given per-frame delays. */
function animation(delays: number[]): Sharp {
  const frame = 40 * 30 * 3;
  const pixels = Buffer.alloc(frame * delays.length);
  delays.forEach((_, i) => pixels.fill(i * 80, i * frame, (i + 1) * frame));
  return sharp(pixels, { raw: { width: 40, height: 30 * delays.length, channels: 3, pageHeight: 30 } });
}

function wav(sampleRate: number, channels: number, samples: number, declaredDataBytes?: number): Buffer {
  const dataBytes = samples * channels * 2;
  const head = Buffer.alloc(44);
  head.write('RIFF', 0, 'latin1');
  head.writeUInt32LE(36 + dataBytes, 4);
  head.write('WAVEfmt ', 8, 'latin1');
  head.writeUInt32LE(16, 16);
  head.writeUInt16LE(1, 20);
  head.writeUInt16LE(channels, 22);
  head.writeUInt32LE(sampleRate, 24);
  head.writeUInt32LE(sampleRate * channels * 2, 28);
  head.writeUInt16LE(channels * 2, 32);
  head.writeUInt16LE(16, 34);
  head.write('data', 36, 'latin1');
  head.writeUInt32LE(declaredDataBytes ?? dataBytes, 40);
  return Buffer.concat([head, Buffer.alloc(dataBytes)]);
}

function box(type: string, ...body: Buffer[]): Buffer {
  const content = Buffer.concat(body);
  const header = Buffer.alloc(8);
  header.writeUInt32BE(8 + content.length, 0);
  header.write(type, 4, 'latin1');
  return Buffer.concat([header, content]);
}

/** A minimal MP4/MOV: ftyp, then moov with mvhd (duration) and one video trak (tkhd size). */
function isoMedia(brand: string, timescale: number, duration: number, width: number, height: number): Buffer {
  const mvhd = Buffer.alloc(100);
  mvhd.writeUInt32BE(timescale, 12);
  mvhd.writeUInt32BE(duration, 16);
  const tkhd = Buffer.alloc(84);
  tkhd.writeUInt32BE(width << 16, 76);
  tkhd.writeUInt32BE(height << 16, 80);
  const audioTkhd = Buffer.alloc(84);
  return Buffer.concat([
    box('ftyp', Buffer.from(`${brand}\0\0\0\0isom`, 'latin1')),
    box('mdat', Buffer.alloc(32)),
    box('moov', box('mvhd', mvhd), box('trak', box('tkhd', audioTkhd)), box('trak', box('tkhd', tkhd))),
  ]);
}

describe('inspectMedia', () => {
  it('reads still images: type, extension and pixel size', async () => {
    expect(await inspectMedia(await solid(37, 23).png().toBuffer())).toEqual({ contentType: 'image/png', extension: 'png', width: 37, height: 23 });
    expect(await inspectMedia(await solid(50, 20).jpeg().toBuffer())).toEqual({ contentType: 'image/jpeg', extension: 'jpg', width: 50, height: 20 });
    expect(await inspectMedia(await solid(16, 64).webp().toBuffer())).toEqual({ contentType: 'image/webp', extension: 'webp', width: 16, height: 64 });
    expect(await inspectMedia(await solid(12, 9).gif().toBuffer())).toEqual({ contentType: 'image/gif', extension: 'gif', width: 12, height: 9 });
  });

  it('reads animated WebP and GIF: frame size and the sum of frame delays', async () => {
    const delays = [100, 200, 300];
    expect(await inspectMedia(await animation(delays).webp({ delay: delays }).toBuffer())).toEqual({
      contentType: 'image/webp', extension: 'webp', width: 40, height: 30, durationSeconds: 0.6,
    });
    expect(await inspectMedia(await animation(delays).gif({ delay: delays }).toBuffer())).toEqual({
      contentType: 'image/gif', extension: 'gif', width: 40, height: 30, durationSeconds: 0.6,
    });
  });

  it('still knows an animated WebP from the first bytes of a large file', async () => {
    const clip = await animation([100, 100, 100]).webp({ delay: [100, 100, 100] }).toBuffer();
    expect(await inspectMedia(clip.subarray(0, 40))).toEqual({ contentType: 'image/webp', extension: 'webp', width: 40, height: 30 });
  });

  it('reads WAV duration from the header, also when only the head is given', async () => {
    expect(await inspectMedia(wav(16000, 1, 8000))).toEqual({ contentType: 'audio/wav', extension: 'wav', durationSeconds: 0.5 });
    expect(await inspectMedia(wav(44100, 2, 88200))).toMatchObject({ durationSeconds: 2 });
    expect(await inspectMedia(wav(8000, 1, 24000).subarray(0, 1000))).toMatchObject({ durationSeconds: 3 });
    // A streamed WAV leaves the size open; the bytes present are the audio.
    expect(await inspectMedia(wav(8000, 1, 4000, 0xffffffff))).toMatchObject({ durationSeconds: 0.5 });
  });

  it('recognizes MP3, MP4, MOV and WebM, with MP4/MOV duration and size', async () => {
    expect(await inspectMedia(Buffer.from('ID3\x04\x00\x00\x00\x00\x00\x00rest', 'latin1'))).toEqual({ contentType: 'audio/mpeg', extension: 'mp3' });
    expect(await inspectMedia(Buffer.from([0xff, 0xfb, 0x90, 0x64, 0, 0, 0, 0]))).toEqual({ contentType: 'audio/mpeg', extension: 'mp3' });
    expect(await inspectMedia(isoMedia('isom', 1000, 2500, 640, 360))).toEqual({
      contentType: 'video/mp4', extension: 'mp4', width: 640, height: 360, durationSeconds: 2.5,
    });
    expect(await inspectMedia(isoMedia('qt  ', 600, 3000, 1920, 1080))).toEqual({
      contentType: 'video/quicktime', extension: 'mov', width: 1920, height: 1080, durationSeconds: 5,
    });
    const webm = Buffer.concat([Buffer.from([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x82, 0x84]), Buffer.from('webm'), Buffer.alloc(20)]);
    expect(await inspectMedia(webm)).toEqual({ contentType: 'video/webm', extension: 'webm' });
  });

  it('answers octet-stream for garbage and never throws on malformed files', async () => {
    const unknown = { contentType: 'application/octet-stream', extension: 'bin' };
    expect(await inspectMedia(Buffer.alloc(0))).toEqual(unknown);
    expect(await inspectMedia(Buffer.from('just some text, not media at all'))).toEqual(unknown);
    const noise = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 251));
    expect(await inspectMedia(noise)).toEqual(unknown);

    // Right magic, broken rest: the type is kept, nothing is made up, nothing throws.
    expect(await inspectMedia(Buffer.concat([Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'), noise]))).toEqual({ contentType: 'image/png', extension: 'png' });
    const badWav = Buffer.concat([Buffer.from('RIFF\0\0\0\0WAVEdata', 'latin1'), Buffer.from([0xff, 0xff, 0xff, 0x7f])]);
    expect(await inspectMedia(badWav)).toEqual({ contentType: 'audio/wav', extension: 'wav' });
    const badMp4 = Buffer.concat([box('ftyp', Buffer.from('isom')), Buffer.from([0, 0, 0, 1]), Buffer.from('moov'), Buffer.alloc(8, 0xff)]);
    expect(await inspectMedia(badMp4)).toEqual({ contentType: 'video/mp4', extension: 'mp4' });
    expect(await inspectMedia(Buffer.from('GIF89a'))).toMatchObject({ contentType: 'image/gif', extension: 'gif' });
  });
});

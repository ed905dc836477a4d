/**
 * A minimal ISO-BMFF (MP4) file: `ftyp` and a `moov` with the movie header (duration) and one
 * track header (size). Enough for genflow's sniffing to see a video of known length and size;
 * it carries no frames, which no test here decodes.
 */
export function tinyMp4(options: { width: number; height: number; durationSeconds: number; seed?: number }): Buffer {
  const box = (type: string, ...parts: Buffer[]): Buffer => {
    const body = Buffer.concat(parts);
    const header = Buffer.alloc(8);
    header.writeUInt32BE(8 + body.length, 0);
    header.write(type, 4, 'latin1');
    return Buffer.concat([header, body]);
  };
  const ftyp = box('ftyp', Buffer.from('isom', 'latin1'), Buffer.from([0, 0, 2, 0]), Buffer.from('isomiso2avc1mp41', 'latin1'));
  const timescale = 1000;
  const mvhd = Buffer.alloc(100);
  mvhd.writeUInt32BE(timescale, 12);
  mvhd.writeUInt32BE(Math.round(options.durationSeconds * timescale), 16);
  mvhd.writeUInt32BE(0x00010000, 20); // rate 1.0
  mvhd.writeUInt32BE(options.seed ?? 0, 96); // next track id slot, varied so outputs differ
  const tkhd = Buffer.alloc(84);
  tkhd.writeUInt32BE(0x00000003, 0); // version 0, flags: enabled, in movie
  tkhd.writeUInt32BE(1, 12); // track id
  tkhd.writeUInt32BE(Math.round(options.durationSeconds * timescale), 20);
  tkhd.writeUInt32BE(options.width << 16, 76);
  tkhd.writeUInt32BE(options.height << 16, 80);
  return Buffer.concat([ftyp, box('moov', box('mvhd', mvhd), box('trak', box('tkhd', tkhd)))]);
}

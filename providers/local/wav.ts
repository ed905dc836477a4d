/** Encodes mono float samples as a 16-bit PCM WAV, normalized so the loudest sample is at -2 dBFS. */
export function writeWav(samples: Float32Array, sampleRate: number): Buffer {
  // A DC blocker first: the sawtooth source and the resonators leave an offset that clicks.
  let previousIn = 0;
  let previousOut = 0;
  let peak = 0;
  for (let i = 0; i < samples.length; i++) {
    const input = samples[i] ?? 0;
    const output = input - previousIn + 0.995 * previousOut;
    previousIn = input;
    previousOut = output;
    samples[i] = output;
    peak = Math.max(peak, Math.abs(output));
  }
  const gain = peak > 0 ? (0.8 * 32767) / peak : 0;
  const dataBytes = samples.length * 2;
  const wav = Buffer.alloc(44 + dataBytes);
  wav.write('RIFF', 0, 'ascii');
  wav.writeUInt32LE(36 + dataBytes, 4);
  wav.write('WAVE', 8, 'ascii');
  wav.write('fmt ', 12, 'ascii');
  wav.writeUInt32LE(16, 16);
  wav.writeUInt16LE(1, 20); // PCM
  wav.writeUInt16LE(1, 22); // mono
  wav.writeUInt32LE(sampleRate, 24);
  wav.writeUInt32LE(sampleRate * 2, 28);
  wav.writeUInt16LE(2, 32);
  wav.writeUInt16LE(16, 34);
  wav.write('data', 36, 'ascii');
  wav.writeUInt32LE(dataBytes, 40);
  for (let i = 0; i < samples.length; i++) {
    wav.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round((samples[i] ?? 0) * gain))), 44 + i * 2);
  }
  return wav;
}

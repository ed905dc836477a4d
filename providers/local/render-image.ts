import sharp, { type Sharp } from 'sharp';
import { between, hslCss, seededRandom, type Random } from './random';

export interface ImageRenderOptions {
  prompt: string;
  seed: number;
  /** Output slot; part of the composition so a request's outputs differ from each other. */
  index: number;
  width: number;
  height: number;
  format: 'png' | 'jpeg' | 'webp';
  /** An image to edit: it is fitted to the size and the landscape is laid over it, half transparent. */
  base?: Buffer;
}

export const IMAGE_CONTENT_TYPES = { png: 'image/png', jpeg: 'image/jpeg', webp: 'image/webp' } as const;

/** A jagged ridge line across the full width, closed along the bottom edge. */
function ridgePath(random: Random, width: number, height: number, baseline: number, roughness: number): string {
  const steps = 6 + Math.floor(random() * 10);
  const points: string[] = [];
  for (let i = 0; i <= steps; i++) {
    const x = (i / steps) * width;
    const y = baseline + (random() - 0.5) * roughness;
    points.push(`${x.toFixed(1)},${y.toFixed(1)}`);
  }
  return `M0,${height} L${points.join(' L')} L${width},${height} Z`;
}

/**
 * Builds a landscape (sky, sun, clouds, mountain ridges) as SVG. The palette follows the prompt,
 * the composition follows prompt, seed and output index. No text is drawn: fonts differ between
 * machines, and missing ones make librsvg warn.
 */
export function landscapeSvg(options: Omit<ImageRenderOptions, 'format'>): string {
  const { prompt, seed, index, width: w, height: h } = options;
  const palette = seededRandom('palette', prompt);
  const layout = seededRandom('layout', prompt, seed, index);
  const hue = palette() * 360;
  const skyTop = hslCss(hue, between(palette, 0.4, 0.8), between(palette, 0.12, 0.35));
  const skyBottom = hslCss(hue + between(palette, 20, 60), between(palette, 0.5, 0.9), between(palette, 0.55, 0.8));
  const sunColour = hslCss(hue + 180 + between(palette, -30, 30), 0.9, 0.72);
  const size = Math.min(w, h);

  const sunX = between(layout, 0.15, 0.85) * w;
  const sunY = between(layout, 0.12, 0.45) * h;
  const sunR = between(layout, 0.05, 0.13) * size;

  const clouds: string[] = [];
  for (let i = 0, n = Math.floor(between(layout, 1, 5)); i < n; i++) {
    const cx = layout() * w;
    const cy = between(layout, 0.08, 0.4) * h;
    const rx = between(layout, 0.08, 0.2) * w;
    clouds.push(`<ellipse cx="${cx.toFixed(1)}" cy="${cy.toFixed(1)}" rx="${rx.toFixed(1)}" ry="${(rx * 0.25).toFixed(1)}" fill="white" fill-opacity="${between(layout, 0.15, 0.45).toFixed(2)}"/>`);
  }

  const ridges: string[] = [];
  const ridgeCount = 3 + Math.floor(layout() * 3);
  for (let i = 0; i < ridgeCount; i++) {
    const depth = i / (ridgeCount - 1);
    const baseline = h * (0.45 + 0.4 * depth) + between(layout, -0.05, 0.05) * h;
    const colour = hslCss(hue + 120 + depth * 40, between(palette, 0.25, 0.6), 0.55 - depth * 0.4);
    ridges.push(`<path d="${ridgePath(layout, w, h, baseline, h * (0.25 - depth * 0.12))}" fill="${colour}"/>`);
  }

  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}">`,
    '<defs>',
    `<linearGradient id="sky" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${skyTop}"/><stop offset="1" stop-color="${skyBottom}"/></linearGradient>`,
    `<radialGradient id="glow"><stop offset="0" stop-color="${sunColour}" stop-opacity="0.6"/><stop offset="1" stop-color="${sunColour}" stop-opacity="0"/></radialGradient>`,
    '</defs>',
    `<rect width="${w}" height="${h}" fill="url(#sky)"/>`,
    `<circle cx="${sunX.toFixed(1)}" cy="${sunY.toFixed(1)}" r="${(sunR * 2.5).toFixed(1)}" fill="url(#glow)"/>`,
    `<circle cx="${sunX.toFixed(1)}" cy="${sunY.toFixed(1)}" r="${sunR.toFixed(1)}" fill="${sunColour}"/>`,
    ...clouds,
    ...ridges,
    '</svg>',
  ].join('');
}

/** Renders one image of exactly `width` x `height` in the requested format. */
export async function renderImage(options: ImageRenderOptions): Promise<Buffer> {
  const landscape = sharp(Buffer.from(landscapeSvg(options))).flatten({ background: '#000000' });
  const image = options.base ? await editOf(options.base, landscape, options.width, options.height) : landscape;
  switch (options.format) {
    case 'png':
      return image.png().toBuffer();
    case 'jpeg':
      return image.jpeg({ quality: 90 }).toBuffer();
    case 'webp':
      return image.webp({ quality: 90 }).toBuffer();
  }
}

/** The edit: the input fitted to the size, with the prompt's landscape blended over it at half opacity. */
async function editOf(base: Buffer, landscape: Sharp, width: number, height: number): Promise<Sharp> {
  const overlay = await landscape.ensureAlpha(0.5).png().toBuffer();
  const fitted = await sharp(base, { limitInputPixels: 64_000_000 }).resize(width, height, { fit: 'cover' }).flatten({ background: '#000000' }).png().toBuffer();
  return sharp(fitted).composite([{ input: overlay, blend: 'over' }]);
}

/** A class folder of small generated PNGs for the tests that train on images (dark and light, by brightness). */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';

export interface ImageFolderSpec {
  /** Images per class. */
  perClass: number;
  /** Size of each image (default 8 × 8); `sizeOf` overrides it per image. */
  width?: number;
  height?: number;
  sizeOf?: (cls: 'dark' | 'light', i: number) => { width: number; height: number };
  /** Blue from the pixel's brightness (default: the same as red). */
  blue?: (v: number) => number;
}

/**
 * Writes `root/dark/<i>.png` and `root/light/<i>.png`: brightness below 100 or above 150, varied
 * by image and pixel, so a model separates the classes in a few epochs.
 */
export function writeDarkLightImages(root: string, spec: ImageFolderSpec): void {
  const blue = spec.blue ?? ((v: number) => v);
  for (const [cls, bright] of [['dark', false], ['light', true]] as const) {
    mkdirSync(join(root, cls), { recursive: true });
    for (let i = 0; i < spec.perClass; i++) {
      const { width, height } = spec.sizeOf?.(cls, i) ?? { width: spec.width ?? 8, height: spec.height ?? 8 };
      const png = new PNG({ width, height });
      for (let p = 0; p < width * height; p++) {
        const v = bright ? 150 + ((i * 7 + p * 13) % 100) : (i * 11 + p * 5) % 100;
        png.data.set([v, 255 - v, blue(v), 255], 4 * p);
      }
      writeFileSync(join(root, cls, `${i}.png`), PNG.sync.write(png));
    }
  }
}

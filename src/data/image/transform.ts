/**
 * Geometric transforms on uint8 images (height × width × channels) and the
 * conversion to normalized float32 in [C, H, W] layout.
 *
 * Sampling uses pixel centres (`x_src = (x + 0.5)·w_in/w_out − 0.5`, as
 * torchvision's `resize` without antialiasing and OpenCV's INTER_LINEAR),
 * clamped at the borders; results are rounded to the nearest integer.
 */
import type { Image } from './decode.js';

/** Bilinear resize to `width × height`. */
export function resizeBilinear(img: Image, width: number, height: number): Image {
  if (img.width === width && img.height === height) return img;
  const { channels: c, data } = img;
  const out = new Uint8Array(width * height * c);
  const sx = img.width / width, sy = img.height / height;
  for (let y = 0; y < height; y++) {
    const fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), img.height - 1);
    const y0 = Math.floor(fy), y1 = Math.min(y0 + 1, img.height - 1), wy = fy - y0;
    for (let x = 0; x < width; x++) {
      const fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), img.width - 1);
      const x0 = Math.floor(fx), x1 = Math.min(x0 + 1, img.width - 1), wx = fx - x0;
      for (let k = 0; k < c; k++) {
        const a = data[(y0 * img.width + x0) * c + k], b = data[(y0 * img.width + x1) * c + k];
        const d = data[(y1 * img.width + x0) * c + k], e = data[(y1 * img.width + x1) * c + k];
        const top = a + (b - a) * wx, bottom = d + (e - d) * wx;
        out[(y * width + x) * c + k] = Math.round(top + (bottom - top) * wy);
      }
    }
  }
  return { width, height, channels: c, data: out };
}

/** Mirror left–right. */
export function flipHorizontal(img: Image): Image {
  const { width: w, height: h, channels: c, data } = img;
  const out = new Uint8Array(data.length);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let k = 0; k < c; k++) out[(y * w + x) * c + k] = data[(y * w + (w - 1 - x)) * c + k];
  return { ...img, data: out };
}

/** Crop `width × height` at (left, top) of the image padded by `pad` zero pixels on every side. */
export function padCrop(img: Image, left: number, top: number, width: number, height: number, pad: number): Image {
  const { width: w, height: h, channels: c, data } = img;
  const out = new Uint8Array(width * height * c);
  for (let y = 0; y < height; y++) {
    const sy = y + top - pad;
    if (sy < 0 || sy >= h) continue;
    for (let x = 0; x < width; x++) {
      const sx = x + left - pad;
      if (sx < 0 || sx >= w) continue;
      for (let k = 0; k < c; k++) out[(y * width + x) * c + k] = data[(sy * w + sx) * c + k];
    }
  }
  return { width, height, channels: c, data: out };
}

/** Rotate by `degrees` (counter-clockwise) about the centre, bilinear, outside filled with 0. */
export function rotate(img: Image, degrees: number): Image {
  const { width: w, height: h, channels: c, data } = img;
  const out = new Uint8Array(data.length);
  const t = (degrees * Math.PI) / 180, cos = Math.cos(t), sin = Math.sin(t);
  const cx = (w - 1) / 2, cy = (h - 1) / 2;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      // inverse map: output pixel back into the source
      const dx = x - cx, dy = y - cy;
      const fx = cos * dx - sin * dy + cx, fy = sin * dx + cos * dy + cy;
      if (fx < -1 || fy < -1 || fx > w || fy > h) continue;
      const x0 = Math.floor(fx), y0 = Math.floor(fy), wx = fx - x0, wy = fy - y0;
      for (let k = 0; k < c; k++) {
        const at = (xx: number, yy: number): number => (xx < 0 || yy < 0 || xx >= w || yy >= h ? 0 : data[(yy * w + xx) * c + k]);
        const top = at(x0, y0) + (at(x0 + 1, y0) - at(x0, y0)) * wx;
        const bottom = at(x0, y0 + 1) + (at(x0 + 1, y0 + 1) - at(x0, y0 + 1)) * wx;
        out[(y * w + x) * c + k] = Math.round(top + (bottom - top) * wy);
      }
    }
  }
  return { ...img, data: out };
}

/**
 * Pixels as float32 `(v/255 − mean[k]) / std[k]` in [C, H, W] layout, written into `out` at `offset`
 * (a fresh array when `out` is absent). `mean`/`std` have one entry per channel (default 0 and 1).
 */
export function toCHW(img: Image, mean?: readonly number[], std?: readonly number[], out?: Float32Array, offset = 0): Float32Array {
  const { width: w, height: h, channels: c, data } = img;
  const dst = out ?? new Float32Array(c * h * w);
  const plane = h * w;
  for (let k = 0; k < c; k++) {
    const m = mean?.[k] ?? 0, s = std?.[k] ?? 1;
    const a = 1 / (255 * s), b = -m / s;
    const base = offset + k * plane;
    for (let i = 0; i < plane; i++) dst[base + i] = data[i * c + k] * a + b;
  }
  return dst;
}

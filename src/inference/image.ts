import sharp from 'sharp';
import { InferenceError } from './types';

// The one place images are decoded. `failOn: 'error'`: some invalid images can still be processed
// by sharp, but we want to fail on them rather than analyse half a photo.

export interface DecodedImage {
  /** Upright RGB pixels, 3 bytes per pixel, resized so the longest side <= maxDimension. */
  data: Buffer;
  width: number;
  height: number;
  /** Multiply decoded coordinates by this to get upright original-image coordinates. */
  scale: number;
  originalWidth: number;
  originalHeight: number;
}

export interface ImageLimits {
  maxPixels: number;
  maxDimension: number;
}

/** Reads only the header: refuses non-images and oversize images before any pixel is decoded. */
export async function probe(
  bytes: Uint8Array,
  maxPixels: number,
): Promise<{ width: number; height: number }> {
  let meta: sharp.Metadata;
  try {
    meta = await sharp(bytes, { failOn: 'error', limitInputPixels: false }).metadata();
  } catch {
    throw new InferenceError('INVALID_IMAGE', 'The file is not a readable image');
  }
  if (
    !meta.width ||
    !meta.height ||
    !['jpeg', 'png', 'webp', 'gif', 'tiff', 'heif', 'avif'].includes(meta.format ?? '')
  ) {
    throw new InferenceError(
      'INVALID_IMAGE',
      'The file is not a supported image (JPEG, PNG, WebP, GIF, TIFF, HEIF, AVIF)',
    );
  }
  if (meta.width * meta.height > maxPixels) {
    throw new InferenceError(
      'IMAGE_TOO_LARGE',
      `The image is ${meta.width}x${meta.height}; at most ${maxPixels} pixels are accepted`,
    );
  }
  // EXIF orientations 5-8 swap the sides.
  const swap = (meta.orientation ?? 1) >= 5;
  return swap ? { width: meta.height, height: meta.width } : { width: meta.width, height: meta.height };
}

export async function decode(bytes: Uint8Array, limits: ImageLimits): Promise<DecodedImage> {
  const upright = await probe(bytes, limits.maxPixels);
  const longest = Math.max(upright.width, upright.height);
  const scale = longest > limits.maxDimension ? longest / limits.maxDimension : 1;
  try {
    const { data, info } = await sharp(bytes, { failOn: 'error', limitInputPixels: limits.maxPixels })
      .rotate()
      .resize({
        width: Math.round(upright.width / scale),
        height: Math.round(upright.height / scale),
        fit: 'fill',
        withoutEnlargement: true,
      })
      .toColourspace('srgb')
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) {
      throw new Error(`unexpected channel count ${info.channels}`);
    }
    return {
      data,
      width: info.width,
      height: info.height,
      scale: upright.width / info.width,
      originalWidth: upright.width,
      originalHeight: upright.height,
    };
  } catch {
    throw new InferenceError('INVALID_IMAGE', 'The image is corrupt or truncated');
  }
}

/** A small square JPEG around a face, with some margin, for review screens; carries no metadata. */
export async function faceThumbnail(
  image: DecodedImage,
  box: { x: number; y: number; width: number; height: number },
  size = 128,
): Promise<Buffer> {
  const side = Math.max(box.width, box.height) * 1.4;
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  const left = Math.max(0, Math.round(cx - side / 2));
  const top = Math.max(0, Math.round(cy - side / 2));
  const width = Math.max(1, Math.min(image.width - left, Math.round(side)));
  const height = Math.max(1, Math.min(image.height - top, Math.round(side)));
  return sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .extract({ left, top, width, height })
    .resize(size, size, { fit: 'contain', background: '#808080' })
    .jpeg({ quality: 85 })
    .toBuffer();
}

/** Grey pixels of a face region (for sharpness and exposure), downscaled to a fixed size. */
export async function faceGrey(
  image: DecodedImage,
  box: { x: number; y: number; width: number; height: number },
  size = 64,
): Promise<Uint8Array> {
  const left = Math.max(0, Math.round(box.x));
  const top = Math.max(0, Math.round(box.y));
  const width = Math.max(1, Math.min(image.width - left, Math.round(box.width)));
  const height = Math.max(1, Math.min(image.height - top, Math.round(box.height)));
  const { data } = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .extract({ left, top, width, height })
    .resize(size, size, { fit: 'fill' })
    .greyscale()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return new Uint8Array(data.buffer, data.byteOffset, data.length);
}

/**
 * A copy fit for storage: upright, re-encoded as JPEG without any metadata (EXIF, GPS, XMP, ICC
 * owner fields), so a kept class photo says nothing about where or on which device it was taken.
 */
export async function stripMetadata(bytes: Uint8Array, maxPixels: number): Promise<Buffer> {
  await probe(bytes, maxPixels);
  try {
    // sharp writes no metadata unless asked to (withMetadata/keepExif).
    return await sharp(bytes, { failOn: 'error', limitInputPixels: maxPixels })
      .rotate()
      .jpeg({ quality: 92 })
      .toBuffer();
  } catch {
    throw new InferenceError('INVALID_IMAGE', 'The file is not a readable image');
  }
}

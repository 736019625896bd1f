import sharp from 'sharp';

/**
 * The crop kept beside a profile face so that a model added later can re-embed it without the
 * student re-enrolling. The 128 px review thumbnail is not enough: its face is ~90 px, below the
 * 112 px aligned input of MobileFaceNet-style models, and JPEG-softened, so a re-embedding from it
 * would be weaker than the enrollment's. This keeps the face at up to 192 px (upscaling never) with
 * a face-sized margin around it, so detection and landmarks can run again on the crop alone.
 */
export const SOURCE_CONTEXT = 2.0;
export const SOURCE_MAX_SIDE = 384;

export async function faceSourceCrop(
  photo: Uint8Array,
  box: { x: number; y: number; width: number; height: number },
  maxPixels: number,
): Promise<Buffer> {
  const meta = await sharp(photo, { failOn: 'error', limitInputPixels: maxPixels }).metadata();
  // Boxes are in upright (EXIF-rotated) pixels: orientations 5-8 swap the sides.
  const swap = (meta.orientation ?? 1) >= 5;
  const imageWidth = (swap ? meta.height : meta.width) ?? 0;
  const imageHeight = (swap ? meta.width : meta.height) ?? 0;
  const side = Math.max(box.width, box.height) * SOURCE_CONTEXT;
  const left = clamp(Math.round(box.x + box.width / 2 - side / 2), 0, imageWidth - 1);
  const top = clamp(Math.round(box.y + box.height / 2 - side / 2), 0, imageHeight - 1);
  const width = Math.max(1, Math.min(imageWidth - left, Math.round(side)));
  const height = Math.max(1, Math.min(imageHeight - top, Math.round(side)));
  // No withMetadata(): the stored crop carries no EXIF (GPS, device).
  return sharp(photo, { failOn: 'error', limitInputPixels: maxPixels })
    .rotate()
    .extract({ left, top, width, height })
    .resize(SOURCE_MAX_SIDE, SOURCE_MAX_SIDE, { fit: 'inside', withoutEnlargement: true })
    .jpeg({ quality: 92 })
    .toBuffer();
}

const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), Math.max(lo, hi));

/** Enrollment advice for one student's profile: enough photos, and good enough ones. */

/** Recognition is steadier from 3 photos on (different days, lights, angles); 3-5 are advised. */
export const ADVISED_FACE_PHOTOS = 3;
/** Below this quality score (size x focus x pose x light) a photo counts as weak. */
export const WEAK_FACE_QUALITY = 0.35;

export interface FaceAdvice {
  faces: number;
  weakFaces: number;
  ready: boolean;
  message: string;
}

export function faceAdvice(samples: { quality: number }[]): FaceAdvice {
  const faces = samples.length;
  const weakFaces = samples.filter((s) => s.quality < WEAK_FACE_QUALITY).length;
  const good = faces - weakFaces;
  if (faces === 0) {
    return { faces, weakFaces, ready: false, message: 'No face photos yet: add 3 to 5 clear photos.' };
  }
  if (good < ADVISED_FACE_PHOTOS) {
    const need = ADVISED_FACE_PHOTOS - good;
    const weak = weakFaces > 0 ? ` (${weakFaces} of ${faces} ${weakFaces === 1 ? 'is' : 'are'} weak)` : '';
    return {
      faces,
      weakFaces,
      ready: false,
      message: `Add ${need} more clear photo${need === 1 ? '' : 's'}${weak}: 3 to 5 are advised.`,
    };
  }
  return { faces, weakFaces, ready: true, message: 'Enough clear photos.' };
}

// Object URLs of photos uploaded from this browser, by photo id: the session and review pages draw
// boxes over them at once, before the signed image URL has loaded.

const byPhotoId = new Map<string, string>();

export function rememberLocalPhoto(photoId: string, objectUrl: string): void {
  byPhotoId.set(photoId, objectUrl);
}

export function localPhotoUrl(photoId: string): string | undefined {
  return byPhotoId.get(photoId);
}

const bySampleId = new Map<string, string>();

export function rememberLocalSample(sampleId: string, objectUrl: string): void {
  bySampleId.set(sampleId, objectUrl);
}

export function localSampleUrl(sampleId: string): string | undefined {
  return bySampleId.get(sampleId);
}

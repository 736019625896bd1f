// Object URLs of photos uploaded from this browser, by photo id: the session and review pages draw
// boxes over them when the server gives no image URL (or before a signed URL loads).

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

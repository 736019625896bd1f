/** Saves a Blob as a file through a temporary link (works in every browser, no popup). */
export function downloadBlob(filename: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function downloadJson(filename: string, value: unknown): void {
  downloadBlob(filename, new Blob([`${JSON.stringify(value, null, 2)}\n`], { type: 'application/json' }));
}

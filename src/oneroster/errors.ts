/** The set as a whole cannot be read (no manifest, not a zip, unreadable CSV): nothing is imported. */
export class OneRosterFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OneRosterFormatError';
  }
}

export { OneRosterFormatError } from './errors';
export {
  importOneRoster,
  placeholderEmail,
  fingerprintCourse,
  fingerprintStudent,
  fingerprintTeacher,
  fingerprintTerm,
  type ImportOptions,
  type KnownRecord,
  type RosterOp,
  type RosterState,
  type RosterWriter,
} from './importer';
export * from './model';
export { openSource, type OneRosterSource } from './source';

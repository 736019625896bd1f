import { QueryFailedError } from 'typeorm';

const codeOf = (error: unknown): string | undefined => {
  if (!(error instanceof QueryFailedError)) {
    return undefined;
  }
  const driverError = error.driverError as { code?: string } | undefined;
  return driverError?.code;
};

/** PostgreSQL unique_violation (23505), from pg or PGlite alike. */
export const isUniqueViolation = (error: unknown) => codeOf(error) === '23505';

'use client';

import { useSearchParams } from 'next/navigation';

/** A query-string id (static export has no dynamic segments); '' when missing. */
export function useParam(name: string): string {
  return useSearchParams().get(name) ?? '';
}

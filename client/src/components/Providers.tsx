'use client';

import type { ReactNode } from 'react';
import { Provider } from 'urql';
import { initSession, sessionStore } from '@/lib/auth';
import { apiClientFor } from '@/lib/client';
import { useStore } from '@/lib/store';
import { AppShell } from './AppShell';

if (typeof window !== 'undefined') {
  initSession();
}

export function Providers({ children }: { children: ReactNode }) {
  const session = useStore(sessionStore, null);
  // Server-side (static export) rendering never runs a query; the browser builds the real client.
  const client = apiClientFor(session?.user.id ?? 'anonymous');
  return (
    <Provider value={client.urql}>
      <AppShell>{children}</AppShell>
    </Provider>
  );
}

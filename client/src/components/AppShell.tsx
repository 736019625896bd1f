'use client';

import Link from 'next/link';
import { usePathname, useRouter } from 'next/navigation';
import { useEffect, useSyncExternalStore, type ReactNode } from 'react';
import { clearSession, sessionStore } from '@/lib/auth';
import { checkNow, reachableStore } from '@/lib/reachability';
import { useStore } from '@/lib/store';
import { useIsAdmin } from '@/lib/use-role';
import styles from './AppShell.module.css';
import { Loading } from './States';

function Banner() {
  const reachable = useStore(reachableStore, true);
  if (reachable) {
    return null;
  }
  return (
    <div className={styles.banner} role="alert">
      The Rollcall server cannot be reached. Changes will not be saved until it is back.
      <button type="button" onClick={() => void checkNow()}>
        Try again
      </button>
    </div>
  );
}

const noSubscription = () => () => undefined;
const inBrowser = () => true;
const onServer = () => false;

export function AppShell({ children }: { children: ReactNode }) {
  const pathname = usePathname();
  const router = useRouter();
  const session = useStore(sessionStore, null);
  // The stored session is read in the browser only: while hydrating the static page it is unknown.
  const mounted = useSyncExternalStore(noSubscription, inBrowser, onServer);
  const isLogin = pathname.startsWith('/login');
  const needsLogin = mounted && !session && !isLogin;
  const isAdmin = useIsAdmin();
  const current = (prefix: string) => (pathname.startsWith(prefix) ? 'page' : undefined);

  useEffect(() => {
    if (needsLogin) {
      const next = `${window.location.pathname}${window.location.search}`;
      router.replace(`/login/?next=${encodeURIComponent(next)}`);
    }
  }, [needsLogin, router]);

  const signOut = () => {
    clearSession();
    router.replace('/login/');
  };

  return (
    <>
      <a className={styles.skip} href="#main">
        Skip to content
      </a>
      <Banner />
      {!isLogin && (
        <header className={styles.header}>
          <div className={styles.headerInner}>
            <Link href="/courses/" className={styles.brand}>
              <span className={styles.logo} aria-hidden="true">
                R
              </span>
              Rollcall
            </Link>
            <nav className={isAdmin ? `${styles.nav} ${styles.navWide}` : styles.nav} aria-label="Main">
              <Link
                href="/courses/"
                aria-current={
                  ['/course', '/session', '/student', '/review', '/reports'].some((p) =>
                    pathname.startsWith(p),
                  )
                    ? 'page'
                    : undefined
                }
              >
                Courses
              </Link>
              {isAdmin && (
                <>
                  <Link href="/monitoring/" aria-current={current('/monitoring')}>
                    Monitoring
                  </Link>
                  <Link href="/integrations/" aria-current={current('/integrations')}>
                    Integrations
                  </Link>
                  <Link href="/admin/" aria-current={current('/admin')}>
                    Admin
                  </Link>
                </>
              )}
            </nav>
            {session && (
              <div className={styles.user}>
                <span className={styles.userName}>
                  {session.user.name} <span className="muted">({session.user.role.toLowerCase()})</span>
                </span>
                <button type="button" className="button secondary small" onClick={signOut}>
                  Sign out
                </button>
              </div>
            )}
          </div>
        </header>
      )}
      <main id="main" className={styles.main}>
        {isLogin ? children : !mounted || needsLogin ? <Loading label="Connecting to Rollcall…" /> : children}
      </main>
    </>
  );
}

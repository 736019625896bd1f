'use client';

import { useRouter, useSearchParams } from 'next/navigation';
import { Suspense, useEffect, useState, type FormEvent } from 'react';
import { useMutation } from 'urql';
import { ErrorNote, Loading } from '@/components/States';
import { saveSession, sessionStore } from '@/lib/auth';
import { codeOf } from '@/lib/errors';
import { LoginMutation } from '@/lib/auth-operations';
import { useStore } from '@/lib/store';
import styles from './login.module.css';

/** Only same-site paths are followed after signing in (no open redirect). */
function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/courses/';
}

function LoginForm() {
  const router = useRouter();
  const next = safeNext(useSearchParams().get('next'));
  const session = useStore(sessionStore, null);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [{ fetching, error }, login] = useMutation(LoginMutation);

  useEffect(() => {
    document.title = 'Sign in · Rollcall';
  }, []);

  useEffect(() => {
    if (session) {
      router.replace(next);
    }
  }, [session, next, router]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const result = await login({ email: email.trim(), password });
    if (result.data) {
      saveSession(result.data.login);
    }
  };

  const wrongPassword = error && codeOf(error) === 'UNAUTHENTICATED';
  return (
    <form className="stack" onSubmit={(e) => void submit(e)} aria-labelledby="login-title">
      <div className="field">
        <label htmlFor="email">E-mail</label>
        <input
          id="email"
          type="email"
          autoComplete="username"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor="password">Password</label>
        <input
          id="password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
      </div>
      {wrongPassword ? (
        <ErrorNote error="The e-mail or password is not right." />
      ) : (
        <ErrorNote error={error} />
      )}
      <button className="button" type="submit" disabled={fetching}>
        {fetching ? 'Signing in…' : 'Sign in'}
      </button>
    </form>
  );
}

export default function LoginPage() {
  return (
    <div className={styles.wrap}>
      <div className={`card ${styles.card}`}>
        <div className={styles.brand}>
          <span className={styles.logo} aria-hidden="true">
            R
          </span>
          <h1 id="login-title">Sign in to Rollcall</h1>
        </div>
        <Suspense fallback={<Loading />}>
          <LoginForm />
        </Suspense>
      </div>
    </div>
  );
}

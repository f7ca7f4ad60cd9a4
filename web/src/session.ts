import { useCallback, useEffect, useRef, useState } from 'react';

/** Who the page acts as: nobody, or a demo account signed in through the public API. */
export interface Session {
  username: string;
  accessToken: string;
  refreshToken: string;
  /** When the access token stops being accepted (ms since the epoch). */
  expiresAt: number;
}

interface AuthPayload {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  user: { username: string };
}

const STORAGE_KEY = 'supergraph.session';
const AUTH_FIELDS = 'accessToken refreshToken expiresIn user { username }';

// Sign-in runs before any Apollo Client exists for the new identity: a plain POST is enough.
async function authenticate(query: string, variables: Record<string, string>): Promise<AuthPayload> {
  const response = await fetch('/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  const result = (await response.json()) as { data?: Record<string, AuthPayload> | null; errors?: Array<{ message: string }> };
  const payload = result.data ? Object.values(result.data)[0] : undefined;
  if (!payload) throw new Error(result.errors?.[0]?.message ?? `sign-in failed (HTTP ${response.status})`);
  return payload;
}

const toSession = (payload: AuthPayload): Session => ({
  username: payload.user.username,
  accessToken: payload.accessToken,
  refreshToken: payload.refreshToken,
  expiresAt: Date.now() + payload.expiresIn * 1_000,
});

function stored(): Session | undefined {
  try {
    const session = JSON.parse(sessionStorage.getItem(STORAGE_KEY) ?? 'null') as Session | null;
    return session ?? undefined;
  } catch {
    return undefined;
  }
}

/**
 * The signed-in session, kept for the tab (sessionStorage) and refreshed a minute before the
 * access token expires. `token()` always answers the current access token, so a refresh does
 * not restart the page's subscriptions.
 */
export function useSession() {
  const [session, setSession] = useState<Session | undefined>(stored);
  const current = useRef(session);
  const [error, setError] = useState<string>();

  const keep = useCallback((next: Session | undefined) => {
    current.current = next;
    if (next) sessionStorage.setItem(STORAGE_KEY, JSON.stringify(next));
    else sessionStorage.removeItem(STORAGE_KEY);
  }, []);

  const signIn = useCallback(
    async (username: string, password: string) => {
      setError(undefined);
      try {
        const next = toSession(await authenticate(`mutation SignIn($u: String!, $p: String!) { login(usernameOrEmail: $u, password: $p) { ${AUTH_FIELDS} } }`, { u: username, p: password }));
        keep(next);
        setSession(next);
      } catch (failure) {
        setError(failure instanceof Error ? failure.message : String(failure));
      }
    },
    [keep],
  );

  const signOut = useCallback(() => {
    const refreshToken = current.current?.refreshToken;
    keep(undefined);
    setSession(undefined);
    if (refreshToken) void authenticate('mutation SignOut($t: String!) { logout(refreshToken: $t) }', { t: refreshToken }).catch(() => undefined);
  }, [keep]);

  useEffect(() => {
    if (!session) return;
    const timer = setTimeout(
      () => {
        const refreshToken = current.current?.refreshToken;
        if (!refreshToken) return;
        authenticate(`mutation Refresh($t: String!) { refreshToken(refreshToken: $t) { ${AUTH_FIELDS} } }`, { t: refreshToken })
          .then((payload) => {
            // Same identity: only the holder changes, the page and its sockets stay.
            const next = toSession(payload);
            keep(next);
            setSession((previous) => (previous ? { ...next } : previous));
          })
          .catch(() => signOut());
      },
      Math.max(0, session.expiresAt - Date.now() - 60_000),
    );
    return () => clearTimeout(timer);
  }, [session, keep, signOut]);

  const token = useCallback(() => current.current?.accessToken, []);
  return { session, error, signIn, signOut, token };
}

import { ApolloProvider } from '@apollo/client/react';
import { useEffect, useMemo, useState } from 'react';
import { createLiveClient } from './client.js';
import type { SocketState } from './client.js';
import { demoAccounts, supergraphHas } from './features.js';
import { CourseStats } from './sections/course-stats.js';
import { LinkClicks } from './sections/link-clicks.js';
import { NewPosts } from './sections/new-posts.js';
import { LatestPoll } from './sections/poll.js';
import { PopularPosts } from './sections/popular-posts.js';
import { useSession } from './session.js';

// Sections of domains not in this supergraph stay out instead of failing validation.
const HAS_LINKS = supergraphHas('Query.topLinks', 'Subscription.linkStatsChanged');
const HAS_COURSES = supergraphHas('Query.popularCourses', 'Subscription.courseStatsChanged');

const SOCKET_LABELS: Record<SocketState | 'offline', string> = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Connection lost — reconnecting…',
  offline: 'Offline — waiting for the network…',
};

/** The browser's own idea of the network: a dropped Wi-Fi shows before any socket notices. */
function useOnline(): boolean {
  const [online, setOnline] = useState(navigator.onLine);
  useEffect(() => {
    const update = () => setOnline(navigator.onLine);
    window.addEventListener('online', update);
    window.addEventListener('offline', update);
    return () => {
      window.removeEventListener('online', update);
      window.removeEventListener('offline', update);
    };
  }, []);
  return online;
}

function SignIn({ onSignIn, error }: { onSignIn: (username: string, password: string) => void; error: string | undefined }) {
  const [username, setUsername] = useState(demoAccounts.usernames[0] ?? '');
  return (
    <form
      className="sign-in"
      onSubmit={(event) => {
        event.preventDefault();
        onSignIn(username, demoAccounts.password);
      }}
    >
      <label>
        Demo account{' '}
        <select value={username} onChange={(event) => setUsername(event.target.value)}>
          {demoAccounts.usernames.map((name) => (
            <option key={name}>{name}</option>
          ))}
        </select>
      </label>
      <button type="submit">Sign in</button>
      {error && <span className="error">{error}</span>}
    </form>
  );
}

/** The live-stats page: every section is a client of the public API through one Apollo Client. */
export function App() {
  const { session, error, signIn, signOut, token } = useSession();
  const [socket, setSocket] = useState<SocketState>('connecting');
  const online = useOnline();
  const identity = session?.username;
  // One client per identity: signing in or out starts afresh, a token refresh does not.
  const client = useMemo(() => createLiveClient(token, setSocket), [identity, token]);
  useEffect(() => () => client.dispose(), [client]);
  const state = online ? socket : 'offline';

  return (
    <ApolloProvider client={client.apollo}>
      <header className="top">
        <h1>Live stats</h1>
        <span className={`status ${state}`} role="status" data-testid="socket-state" data-state={state}>
          <span className="dot" aria-hidden="true" />
          {SOCKET_LABELS[state]}
        </span>
        <span className="spacer" />
        {session ? (
          <span className="who">
            Signed in as <strong>{session.username}</strong>{' '}
            <button type="button" onClick={signOut}>
              Sign out
            </button>
          </span>
        ) : (
          <SignIn onSignIn={(username, password) => void signIn(username, password)} error={error} />
        )}
      </header>
      {state !== 'live' && state !== 'connecting' && <div className="banner">Counters are paused until the connection is back; they catch up when it is.</div>}
      <main className="grid">
        <PopularPosts signedIn={!!session} />
        <LatestPoll signedIn={!!session} />
        {HAS_LINKS && <LinkClicks />}
        {HAS_COURSES && <CourseStats />}
        <NewPosts />
      </main>
      <footer className="foot">
        One GraphQL endpoint at <code>/graphql</code> · <a href="/graphiql">GraphiQL</a> (works offline) · <a href="/graphql">Apollo Sandbox</a>
      </footer>
    </ApolloProvider>
  );
}

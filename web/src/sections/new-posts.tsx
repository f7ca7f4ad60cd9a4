import { gql } from '@apollo/client';
import { useQuery, useSubscription } from '@apollo/client/react';
import { useState } from 'react';

interface PostView {
  id: string;
  body: string;
  createdAt: string;
  author: { username: string };
}

const RECENT = gql`query RecentPosts { publicTimeline(first: 5) { edges { node { id body createdAt author { username } } } } }`;
const POST_CREATED = gql`subscription NewPosts { postCreated { id body createdAt author { username } } }`;

/** The timeline's head, with posts sliding in as `postCreated` announces them. */
export function NewPosts() {
  const { data } = useQuery<{ publicTimeline: { edges: Array<{ node: PostView }> } }>(RECENT);
  const [arrived, setArrived] = useState<PostView[]>([]);
  useSubscription<{ postCreated: PostView }>(POST_CREATED, {
    onData: ({ data: event }) => {
      const post = event.data?.postCreated;
      if (post) setArrived((previous) => [post, ...previous.filter((other) => other.id !== post.id)].slice(0, 5));
    },
  });
  const fresh = new Set(arrived.map((post) => post.id));
  const earlier = (data?.publicTimeline.edges ?? []).map((edge) => edge.node).filter((post) => !fresh.has(post.id));
  const posts = [...arrived, ...earlier].slice(0, 5);
  return (
    <section className="card" aria-labelledby="new-title">
      <h2 id="new-title">New posts</h2>
      <ul className="feed">
        {posts.map((post) => (
          <li key={post.id} className={fresh.has(post.id) ? 'arrived' : ''}>
            <span className="avatar" aria-hidden="true">
              {post.author.username.slice(0, 1).toUpperCase()}
            </span>
            <span className="feed-text">
              <strong>{post.author.username}</strong> {post.body}
            </span>
          </li>
        ))}
      </ul>
      {data && posts.length === 0 && <p className="empty">Nothing posted yet.</p>}
    </section>
  );
}

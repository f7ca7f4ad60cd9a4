import { gql } from '@apollo/client';
import { useMutation, useQuery, useSubscription } from '@apollo/client/react';
import { Bar } from '../charts.js';

interface PostView {
  id: string;
  body: string;
  likeCount: number;
  likedByViewer: boolean;
  author: { username: string };
}

const POPULAR_POSTS = gql`
  query PopularPosts {
    popularPosts(first: 6) { id body likeCount likedByViewer author { username } }
  }
`;

// Selecting `post { id likeCount }` lets Apollo's cache update the post wherever it is shown.
const POST_LIKES = gql`
  subscription PostLikes($postId: ID!) {
    postLikesChanged(postId: $postId) { likeCount post { id likeCount } }
  }
`;

const LIKE = gql`mutation Like($postId: ID!) { likePost(postId: $postId) { id likeCount likedByViewer } }`;
const UNLIKE = gql`mutation Unlike($postId: ID!) { unlikePost(postId: $postId) { id likeCount likedByViewer } }`;

function PostBar({ post, top, signedIn }: { post: PostView; top: number; signedIn: boolean }) {
  useSubscription(POST_LIKES, { variables: { postId: post.id } });
  const [like] = useMutation(post.likedByViewer ? UNLIKE : LIKE, { variables: { postId: post.id } });
  return (
    <li className="post-bar">
      <Bar share={post.likeCount / top} label={`${post.author.username}: ${post.body}`} value={`♥ ${post.likeCount}`} dataValue={post.likeCount} testId={`likes-${post.id}`} />
      {signedIn && (
        <button type="button" className={`like ${post.likedByViewer ? 'liked' : ''}`} onClick={() => void like()} aria-pressed={post.likedByViewer} title={post.likedByViewer ? 'Unlike' : 'Like'}>
          ♥
        </button>
      )}
    </li>
  );
}

/** The most liked posts as bars, each moved by its own `postLikesChanged` subscription. */
export function PopularPosts({ signedIn }: { signedIn: boolean }) {
  const { data, error } = useQuery<{ popularPosts: PostView[] }>(POPULAR_POSTS);
  const posts = data?.popularPosts ?? [];
  const top = Math.max(1, ...posts.map((post) => post.likeCount));
  return (
    <section className="card" aria-labelledby="popular-title">
      <h2 id="popular-title">Popular posts</h2>
      <p className="hint">Live like counts: like a post anywhere and its bar grows.</p>
      {error && <p className="error">{error.message}</p>}
      {data && posts.length === 0 && <p className="empty">No likes yet.</p>}
      <ol className="bars">
        {posts.map((post) => (
          <PostBar key={post.id} post={post} top={top} signedIn={signedIn} />
        ))}
      </ol>
    </section>
  );
}

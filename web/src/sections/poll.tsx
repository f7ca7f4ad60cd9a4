import { gql } from '@apollo/client';
import { useMutation, useQuery, useSubscription } from '@apollo/client/react';
import { Bar } from '../charts.js';

interface OptionView {
  id: string;
  text: string;
  votes: number;
  percentage: number;
}
interface PollView {
  id: string;
  question: string;
  totalVotes: number;
  isClosed: boolean;
  options: OptionView[];
  viewerVote: { id: string } | null;
}

const LATEST_POLL = gql`
  query LatestPoll {
    polls(first: 1) { edges { node { id question totalVotes isClosed options { id text votes percentage } viewerVote { id } } } }
  }
`;

// The event is the poll itself: its options' counts land in the cache by id.
const POLL_RESULTS = gql`
  subscription PollResults($pollId: ID!) {
    pollResultsChanged(pollId: $pollId) { id totalVotes isClosed options { id votes percentage } }
  }
`;

const VOTE = gql`mutation Vote($pollId: ID!, $optionId: ID!) { vote(pollId: $pollId, optionId: $optionId) { id totalVotes options { id votes percentage } viewerVote { id } } }`;

function LivePoll({ poll, signedIn }: { poll: PollView; signedIn: boolean }) {
  useSubscription(POLL_RESULTS, { variables: { pollId: poll.id } });
  const [vote] = useMutation(VOTE);
  const canVote = signedIn && !poll.isClosed && !poll.viewerVote;
  return (
    <>
      <h3 className="question">{poll.question}</h3>
      <ul className="bars">
        {poll.options.map((option) => (
          <li key={option.id} className="post-bar">
            <Bar
              share={option.percentage / 100}
              label={option.text}
              value={`${option.percentage.toFixed(0)}%`}
              dataValue={option.votes}
              testId={`poll-${option.id}`}
              tone="votes"
              marked={poll.viewerVote?.id === option.id}
            />
            {canVote && (
              <button type="button" className="vote" onClick={() => void vote({ variables: { pollId: poll.id, optionId: option.id } })}>
                Vote
              </button>
            )}
          </li>
        ))}
      </ul>
      <p className="hint">
        {poll.totalVotes} {poll.totalVotes === 1 ? 'vote' : 'votes'}
        {poll.isClosed ? ' · closed' : ''}
      </p>
    </>
  );
}

/** The newest poll's results as bars that move as votes arrive. */
export function LatestPoll({ signedIn }: { signedIn: boolean }) {
  const { data, error } = useQuery<{ polls: { edges: Array<{ node: PollView }> } }>(LATEST_POLL);
  const poll = data?.polls.edges[0]?.node;
  return (
    <section className="card" aria-labelledby="poll-title">
      <h2 id="poll-title">Poll</h2>
      {error && <p className="error">{error.message}</p>}
      {data && !poll && <p className="empty">No polls yet.</p>}
      {poll && <LivePoll poll={poll} signedIn={signedIn} />}
    </section>
  );
}

// The links domain's section. Shown only when the supergraph has links (see features.ts):
// written against the contract's field names, it lights up once the links subgraph is merged.
import { gql } from '@apollo/client';
import { useQuery, useSubscription } from '@apollo/client/react';
import { useMemo } from 'react';
import { AreaChart, useFlash } from '../charts.js';

interface LinkView {
  id: string;
  code: string;
  url: string;
  shortUrl: string;
  clicks: number;
  uniqueVisitors: number;
  clickHistory: Array<{ start: string; clicks: number }>;
}

const LINK_FIELDS = 'id code url shortUrl clicks uniqueVisitors clickHistory(interval: HOUR, from: $from) { start clicks }';
const TOP_LINK = gql`query TopLink($from: DateTime) { topLinks(first: 1) { ${LINK_FIELDS} } }`;
// Same selection and arguments as the query, so the event refreshes the cached link and its chart.
const LINK_STATS = gql`subscription LinkStats($code: String!, $from: DateTime) { linkStatsChanged(code: $code) { clicks uniqueVisitors link { ${LINK_FIELDS} } } }`;

function LiveLink({ link, from }: { link: LinkView; from: string }) {
  useSubscription(LINK_STATS, { variables: { code: link.code, from } });
  const flash = useFlash(link.clicks);
  const points = link.clickHistory.map((bucket) => ({ at: Date.parse(bucket.start), value: bucket.clicks }));
  return (
    <>
      <p className="link-head">
        <a href={link.shortUrl}>{link.shortUrl}</a> → <span className="muted">{link.url}</span>
      </p>
      <AreaChart points={points} label={`Clicks per hour on ${link.shortUrl}`} testId={`clicks-${link.code}`} />
      <p className="hint">
        <span className={`big ${flash}`} data-testid={`clicks-${link.code}-value`}>
          {link.clicks}
        </span>{' '}
        clicks · {link.uniqueVisitors} unique visitors · last 24 hours by hour
      </p>
    </>
  );
}

/** The top short link's clicks over time, redrawn as clicks arrive. */
export function LinkClicks() {
  // Fixed for the page's life: the query and the subscription must share the argument.
  const from = useMemo(() => new Date(Date.now() - 24 * 3_600_000).toISOString(), []);
  const { data, error } = useQuery<{ topLinks: LinkView[] }>(TOP_LINK, { variables: { from } });
  const link = data?.topLinks[0];
  return (
    <section className="card" aria-labelledby="links-title">
      <h2 id="links-title">Link clicks</h2>
      {error && <p className="error">{error.message}</p>}
      {data && !link && <p className="empty">No short links yet.</p>}
      {link && <LiveLink link={link} from={from} />}
    </section>
  );
}

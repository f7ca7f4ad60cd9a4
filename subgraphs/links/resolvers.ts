import { renderSVG } from 'uqr';
import { loadById } from '../../platform/loaders.js';
import { requireViewer } from '../../platform/auth/token-verifier.js';
import { pageRequest } from '../../platform/pagination.js';
import { DateTime } from '../../platform/scalars.js';
import { platformStatsReference } from '../../contracts/platform-stats.js';
import type { Resolvers } from './__generated__/resolvers-types.js';
import { linkStatsChannel } from './clicks.js';
import type { LinkStatsModel } from './models.js';
import { bucketStarts } from './rules.js';

export const resolvers: Resolvers = {
  DateTime,

  Query: {
    link: (_, { code }, { links }) => links.byCode(code),
    // The schema's default is 10; an explicit null means the same.
    topLinks: (_, { first }, { links }) => links.top(pageRequest({ first: first ?? 10 }).first),
  },

  Mutation: {
    createLink: (_, { input }, { viewer, links }) => links.create(requireViewer(viewer), input),
    deleteLink: (_, { code }, { viewer, links }) => links.delete(requireViewer(viewer), code),
  },

  Subscription: {
    linkStatsChanged: {
      subscribe: async (_, { code }, { links, pubsub }) => pubsub.subscribe<LinkStatsModel>(linkStatsChannel((await links.requireByCode(code)).id)),
      resolve: (event: LinkStatsModel) => event,
    },
  },

  LinkStats: {
    link: async (stats, _, { loaders }) => {
      const link = await loaders.link.load(stats.linkId);
      if (!link) throw new Error(`link ${stats.linkId} vanished`);
      return link;
    },
  },

  Link: {
    __resolveReference: (reference, { loaders }) => {
      if ('id' in reference && typeof reference.id === 'string') return loadById(loaders.link, reference.id);
      return 'code' in reference && typeof reference.code === 'string' ? loaders.linkByCodeKey.load(reference.code.toLowerCase()) : null;
    },
    shortUrl: (link, _, { links }) => links.shortUrl(link),
    owner: (link) => ({ id: link.ownerId }),
    qrCodeSvg: (link, _, { links }) => renderSVG(links.shortUrl(link)),
    topReferrers: (link, { first }, { loaders }) => loaders.topReferrers(String(pageRequest({ first: first ?? 5 }).first)).load(link.id),
    clickHistory: async (link, { interval, from, to }, { loaders }) => {
      const starts = bucketStarts(interval, from, to);
      const size = interval === 'HOUR' ? 3_600_000 : 86_400_000;
      const first = starts[0]!.getTime();
      const end = starts.at(-1)!.getTime() + size;
      const buckets = await loaders.clickBuckets(`${interval}|${first}|${end}`).load(link.id);
      return starts.map((start) => ({ start, clicks: buckets.get(start.getTime()) ?? 0 }));
    },
  },

  PlatformStats: {
    __resolveReference: (reference, { viewer }) => platformStatsReference(reference, viewer),
    links: (_, __, { loaders }) => loaders.rowCount.load('links'),
    clicks: (_, __, { loaders }) => loaders.rowCount.load('clicks'),
  },

  User: {
    __resolveReference: ({ id }) => ({ id }),
    links: (user, args, { viewer, links }) => links.ownedBy(viewer, user.id, pageRequest(args)),
  },
};

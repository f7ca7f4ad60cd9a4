// Root fields of the supergraph the page was built against (scripts/web-bundle.ts reads them
// from supergraph.graphql). A domain not merged yet has none, and its section stays out.
declare const SUPERGRAPH_FIELDS: readonly string[];
declare const DEMO_ACCOUNTS: { usernames: readonly string[]; password: string };

const fields = new Set(SUPERGRAPH_FIELDS);

/** True when every one of `required` (e.g. `Query.topLinks`) is in the supergraph. */
export const supergraphHas = (...required: string[]): boolean => required.every((field) => fields.has(field));

/** The demo accounts seeded by `npm start` (contracts/demo.ts), for the sign-in form. */
export const demoAccounts = DEMO_ACCOUNTS;

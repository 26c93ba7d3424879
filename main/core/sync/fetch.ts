/** The `fetch` the core's network calls use: injected by tests (and proxies), the global one otherwise. */
export type FetchLike = typeof fetch;

/** The REST client: `POST /api/` with multipart bodies, the TCP client's calls and sessions. */
export {
  ApertureDBRestClient,
  type ApertureDBRestClientStats,
  type ApertureDBRestQueryOptions,
} from './client.js';
export { type ApertureDBRestClientOptions, restOptionsFromKey } from './options.js';

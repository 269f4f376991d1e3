/** Request numbers of the service API (type 32 packages), as docs/protocols/siridb.md §11 lists them. */
export const ServiceRequest = {
  NEW_ACCOUNT: 0,
  CHANGE_PASSWORD: 1,
  DROP_ACCOUNT: 2,
  NEW_DATABASE: 3,
  NEW_POOL: 4,
  NEW_REPLICA: 5,
  DROP_DATABASE: 6,
  GET_VERSION: 64,
  GET_ACCOUNTS: 65,
  GET_DATABASES: 66,
} as const;

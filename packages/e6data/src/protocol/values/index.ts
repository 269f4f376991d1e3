export { formatDate, formatDateTime } from './date-time.js';
export { decimalFromBytes, MAX_DECIMAL_SCALE } from './decimal.js';
export { formatTimestampTz } from './timestamp-tz.js';

/**
 * qpack type bytes (docs/protocols/siridb.md §4.1). Every value starts with one of these bytes;
 * multi-byte data that follows is little-endian.
 * @internal
 */

/** 0x00..0x3f: the integers 0..63, value = byte. */
export const QP_FIXED_INT_MAX = 0x3f;
/** 0x40..0x7b: the integers -1..-60, value = 63 - byte. */
export const QP_FIXED_NEG_FIRST = 0x40;
/** Last byte of the fixed negative integers (-60). */
export const QP_FIXED_NEG_LAST = 0x7b;
/** Smallest integer with a one-byte encoding. */
export const QP_FIXED_NEG_MIN = -60;

/** Reserved for an "object hook"; never sent. Decoded as `null`. */
export const QP_HOOK = 0x7c;
/** The double -1.0 in one byte. */
export const QP_DOUBLE_N1 = 0x7d;
/** The double 0.0 (and -0.0) in one byte. */
export const QP_DOUBLE_0 = 0x7e;
/** The double 1.0 in one byte. */
export const QP_DOUBLE_1 = 0x7f;

/** 0x80..0xe3: raw (string) with a fixed length of byte - 0x80 (0..99) bytes. */
export const QP_RAW_FIXED = 0x80;
/** Last fixed-length raw byte (99 bytes). */
export const QP_RAW_FIXED_LAST = 0xe3;
/** Longest raw with a fixed-length type byte. */
export const QP_RAW_FIXED_MAX_LEN = 99;
/** Raw with a uint8 length. */
export const QP_RAW8 = 0xe4;
/** Raw with a uint16 LE length. */
export const QP_RAW16 = 0xe5;
/** Raw with a uint32 LE length. */
export const QP_RAW32 = 0xe6;
/** Raw with a uint64 LE length. */
export const QP_RAW64 = 0xe7;

/** Signed 8-bit integer. */
export const QP_INT8 = 0xe8;
/** Signed 16-bit integer, LE. */
export const QP_INT16 = 0xe9;
/** Signed 32-bit integer, LE. */
export const QP_INT32 = 0xea;
/** Signed 64-bit integer, LE. */
export const QP_INT64 = 0xeb;
/** IEEE-754 binary64, LE. */
export const QP_DOUBLE = 0xec;

/** 0xed..0xf2: array with exactly 0..5 items. */
export const QP_ARRAY0 = 0xed;
/** Last fixed-size array byte (5 items). */
export const QP_ARRAY5 = 0xf2;
/** 0xf3..0xf8: map with exactly 0..5 key/value pairs. */
export const QP_MAP0 = 0xf3;
/** Last fixed-size map byte (5 pairs). */
export const QP_MAP5 = 0xf8;
/** Containers with fewer items than this are written with a fixed-size type byte. */
export const QP_FIXED_CONTAINER_LIMIT = 6;

/** `true`. */
export const QP_TRUE = 0xf9;
/** `false`. */
export const QP_FALSE = 0xfa;
/** `null`. */
export const QP_NULL = 0xfb;
/** Array whose items follow until ARRAY_CLOSE or the end of the input. */
export const QP_ARRAY_OPEN = 0xfc;
/** Map whose pairs follow until MAP_CLOSE or the end of the input. */
export const QP_MAP_OPEN = 0xfd;
/** Closes an ARRAY_OPEN. */
export const QP_ARRAY_CLOSE = 0xfe;
/** Closes a MAP_OPEN. */
export const QP_MAP_CLOSE = 0xff;

/**
 * Deepest container nesting the encoder writes and the decoder reads. SiriDB payloads are at most
 * 3 levels deep; the limit keeps both sides from exhausting the call stack on hostile input.
 */
export const QP_MAX_DEPTH = 1000;

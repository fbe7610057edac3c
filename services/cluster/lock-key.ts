import { fnv1a } from '../../core/partition.js'

/**
 * A positive int4 advisory-lock key for a name. Positive, so that the key
 * reads the same as the unsigned `classid` of pg_locks.
 */
export const lockKey = (name: string): number => fnv1a(name) & 0x7fff_ffff

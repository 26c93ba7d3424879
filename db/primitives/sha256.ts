/**
 * SHA-256 as lowercase hex, synchronous and runs anywhere (core, server, renderer): @noble/hashes
 * rather than `node:crypto`, which `db/` may not import.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';

export const sha256Hex = (text: string): string => bytesToHex(sha256(utf8ToBytes(text)));

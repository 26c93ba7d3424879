import { describe, expect, it } from 'vitest';
import { protocolsFor } from '../common/wire.ts';
import { isOwnHost, isOwnOrigin, offersToken, pagePolicy } from './guards.ts';

describe('browser mode guards', () => {
  const token = 'a'.repeat(64);

  it('accepts only this launch token, offered with our subprotocol', () => {
    expect(offersToken(protocolsFor(token).join(', '), token)).toBe(true);
    expect(offersToken(protocolsFor('b'.repeat(64)).join(', '), token)).toBe(false);
    expect(offersToken(`token.${token}`, token)).toBe(false);
    expect(offersToken('hms.v1', token)).toBe(false);
    expect(offersToken(undefined, token)).toBe(false);
    expect(offersToken(`hms.v1, token.${token}x`, token)).toBe(false);
  });

  it('accepts only pages this process served, under its own host names', () => {
    expect(isOwnOrigin('http://127.0.0.1:5174', 5174)).toBe(true);
    expect(isOwnOrigin('http://localhost:5174', 5174)).toBe(true);
    expect(isOwnOrigin('http://127.0.0.1:5175', 5174)).toBe(false);
    expect(isOwnOrigin('https://evil.example', 5174)).toBe(false);
    expect(isOwnOrigin('null', 5174)).toBe(false);
    expect(isOwnOrigin(undefined, 5174)).toBe(false);
    expect(isOwnHost('127.0.0.1:5174', 5174)).toBe(true);
    expect(isOwnHost('evil.example:5174', 5174)).toBe(false);
  });

  it('lets the page run only its own scripts and talk only to this process', () => {
    const csp = pagePolicy(5174);
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe/);
    expect(csp).toContain("connect-src 'self' ws://127.0.0.1:5174 ws://localhost:5174");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
  });
});

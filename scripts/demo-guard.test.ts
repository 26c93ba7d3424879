import { describe, expect, it } from 'vitest';
import { demoRefusal } from './demo-guard.ts';

describe('npm start (the demo) keeps its known passwords off the LAN and out of real databases', () => {
  it('runs on loopback with its embedded database', () => {
    expect(demoRefusal({})).toBeNull();
    expect(demoRefusal({ HOST: '127.0.0.1' })).toBeNull();
    expect(demoRefusal({ HOST: 'localhost' })).toBeNull();
  });
  it('refuses another interface, and a real database', () => {
    expect(demoRefusal({ HOST: '0.0.0.0' })).toMatch(/HOST=0.0.0.0 is refused/);
    expect(demoRefusal({ HOST: '10.0.0.2' })).toMatch(/refused/);
    expect(demoRefusal({ DATABASE_URL: 'postgres://hospital/prod' })).toMatch(/unset DATABASE_URL/);
  });
});

import { mkdtempSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { resolveAppPath, serveAppRequest } from './app-protocol.ts';

describe('the app:// protocol', () => {
  const root = '/opt/hms/renderer';

  it('serves files inside the renderer folder, index.html for the root', () => {
    expect(resolveAppPath(root, 'app://hms/')).toBe('/opt/hms/renderer/index.html');
    expect(resolveAppPath(root, 'app://hms/assets/index-abc.js')).toBe(
      '/opt/hms/renderer/assets/index-abc.js',
    );
  });

  it('refuses anything that climbs out, another host or another scheme', () => {
    // The URL parser folds `..` and `%2e%2e` segments at the root: these stay inside the folder.
    expect(resolveAppPath(root, 'app://hms/../../etc/passwd')).toBe('/opt/hms/renderer/etc/passwd');
    expect(resolveAppPath(root, 'app://hms/%2e%2e/%2e%2e/etc/passwd')).toBe('/opt/hms/renderer/etc/passwd');
    // An encoded slash hides the dots from the parser; decoded, they would climb out.
    expect(resolveAppPath(root, 'app://hms/..%2f..%2fetc%2fpasswd')).toBeNull();
    expect(resolveAppPath(root, 'app://hms/assets/%2e%2e%2f%2e%2e%2f..%2fsecret')).toBeNull();
    expect(resolveAppPath(root, 'app://hms/%00index.html')).toBeNull();
    expect(resolveAppPath(root, 'app://hms/%E0%A4%A')).toBeNull();
    expect(resolveAppPath(root, 'app://other/index.html')).toBeNull();
    expect(resolveAppPath(root, 'file:///etc/passwd')).toBeNull();
    expect(resolveAppPath(root, 'not a url')).toBeNull();
  });

  it('answers with the Content-Security-Policy on every page (Electron sends no header events for app://)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hms-app-'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>HMS</title>');
    const fetchFile = async (url: string) =>
      new Response(await readFile(fileURLToPath(url)), { headers: { 'content-type': 'text/html' } });
    const page = await serveAppRequest(dir, 'app://hms/', fetchFile);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>HMS</title>');
    expect(page.headers.get('content-type')).toBe('text/html');
    expect(page.headers.get('content-security-policy')).toMatch(/default-src 'none'|script-src 'self'/);
    expect((await serveAppRequest(dir, 'app://hms/..%2f..%2fetc%2fpasswd', fetchFile)).status).toBe(404);
  });
});

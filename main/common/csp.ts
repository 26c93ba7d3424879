/**
 * The app page's Content-Security-Policy, one for both hosts: its own scripts and styles only, no
 * eval, no frames, no plugins. Inline style attributes stay allowed (the component library sets CSS
 * variables through them); inline scripts do not. `connect` lists where the page may open
 * connections: nowhere in Electron (the core is reached over IPC), back to its own process in
 * browser mode (its WebSocket).
 */
export const contentSecurityPolicy = (connect: readonly string[]): string =>
  [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src ${connect.length ? connect.join(' ') : "'none'"}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');

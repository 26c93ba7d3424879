/**
 * Electron fuses for the packaged app, flipped in the binary at build time (electron-builder's
 * `electronFuses`, read from here by the build configuration): the app cannot be turned back into a
 * plain Node runtime, nor debugged or fed code from outside its signed archive.
 */
export const FUSES = {
  /** `ELECTRON_RUN_AS_NODE` would make the signed binary a general-purpose Node. */
  runAsNode: false,
  /** Cookies and local storage encrypted with the OS key. */
  enableCookieEncryption: true,
  /** `NODE_OPTIONS` could preload any script into the main process. */
  enableNodeOptionsEnvironmentVariable: false,
  /** `--inspect` would open a debugger port onto the main process. */
  enableNodeCliInspectArguments: false,
  /** The app's code is checked against the hash signed into the binary. */
  enableEmbeddedAsarIntegrityValidation: true,
  /** Code is loaded from app.asar only, never from a loose folder placed beside it. */
  onlyLoadAppFromAsar: true,
  /** The file:// protocol gets no extra privileges (the UI is served from app://). */
  grantFileProtocolExtraPrivileges: false,
} as const;

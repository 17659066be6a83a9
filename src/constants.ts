// The constants, as the addon read them from the system headers at build time.
// Their names are listed once, in native/constants.txt, from which the build
// generates both the addon's table and the named exports (constant-names.ts):
// a name the platform lacks is absent from `constants` and undefined, never
// invented.
import { addon } from './addon.js';

export * from './constant-names.js';

/** Every constant this platform defines, by name (only the ones it has). */
export const constants: Readonly<Record<string, number>> = Object.freeze({ ...addon.constants });

/** The seed programs' Windows-compatibility names: a failed socket() or call returns -1. */
export const INVALID_SOCKET = -1;
export const SOCKET_ERROR = -1;

// The application's name and version as it introduces itself to Cegid (the token request's
// application_name and application_version). The version is the package's own, read through a JSON
// import: Node, Vitest and Deno (the Edge Function's bundle) all resolve it the same way.
import pkg from '../package.json' with { type: 'json' };

export const APP_NAME = 'quadra-sync';
export const APP_VERSION: string = pkg.version;

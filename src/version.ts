// The service's version. package.json is the one place it is written; OpenAPI's info.version and the API index
// at / read it from here.
import { createRequire } from 'node:module';

export const VERSION: string = (createRequire(import.meta.url)('../package.json') as { version: string }).version;

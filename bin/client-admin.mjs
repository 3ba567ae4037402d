#!/usr/bin/env node
// The `client-admin` executable (package.json "bin", so `npx client-admin` works after
// `npm install`). The CLI is TypeScript run by tsx, like the server: register tsx's ESM loader
// in this process, then load the entry point next to this file's real location.
import { register } from 'tsx/esm/api';

register();
await import(new URL('../src/cli/main.ts', import.meta.url).href);

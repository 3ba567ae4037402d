// zod parses objects faster with code it compiles through `new Function` when it may, and probes
// for that once. The console's CSP refuses eval (no 'unsafe-eval'), so the probe failed on every
// page load and the browser reported a CSP violation for it. `jitless` tells zod not to try.
//
// Set through the config object zod shares between its copies, `globalThis.__zod_globalConfig`,
// which zod adopts when it loads: zod lives only in lazy chunks, so the entry chunk imports this
// first and carries no zod. zod-settings.test.ts fails if zod stops reading it.

type ZodGlobalConfig = { jitless?: boolean };

/** In place, so a zod that has already adopted the object sees it too. */
export function configureZodWithoutEval(scope: { __zod_globalConfig?: ZodGlobalConfig } = globalThis as never): void {
  (scope.__zod_globalConfig ??= {}).jitless = true;
}

configureZodWithoutEval();

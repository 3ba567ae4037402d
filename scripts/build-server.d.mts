// Types of scripts/build-server.mjs for the TypeScript that imports it (tests, bench).
export declare const ROOT: string;
export declare const SERVER_ENTRY: string;
export declare const SERVER_BUNDLE: string;
export declare const SERVER_NODE_ARGS: readonly string[];
export declare function bundleServer(entry?: string, outfile?: string): Promise<string>;

/** Types of bin/cli-bundle.js (plain JavaScript, run by npm's `prepare` without tsx). */
export declare const ROOT: string;
export declare const BUNDLE_DIR: string;
export declare const BUNDLE_ENTRY: string;
export declare function bundleState(): 'missing' | 'stale' | 'fresh';
export declare function buildCli(): Promise<{ entry: string; bytes: number; ms: number }>;

// Types of ensure-system-package.mjs, for the vitest global setups that import it.
export interface SystemPackageSpec {
  readonly apt: string;
  readonly binary: () => string;
  readonly neededBy: string;
}
export type SystemPackageName = 'chromium' | 'redis-server' | 'graphviz';
export declare const SYSTEM_PACKAGES: Readonly<Record<SystemPackageName, SystemPackageSpec>>;
export interface SystemPackageStatus {
  readonly name: SystemPackageName;
  readonly available: boolean;
  readonly binary: string | undefined;
}
export declare function systemPackageBinary(name: SystemPackageName): string | undefined;
export declare function installCommand(name: SystemPackageName): string;
export declare function ensureSystemPackage(name: SystemPackageName): SystemPackageStatus;

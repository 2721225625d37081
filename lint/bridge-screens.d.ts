export declare const BRIDGE_SCREENS: Record<string, string[]>;
export declare const READ_ONLY_WITHOUT_SCREEN: string[];
export declare const BRIDGE_PASS_THROUGH: string[];

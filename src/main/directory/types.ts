import { type DirectoryFailure, type DirectoryUser } from '../../shared/directory';

export type { DirectoryFailure, DirectoryUser };

/** The port every adapter implements (ldap, ad). Adapters throw DirectoryError; callers cache. */
export interface DirectoryAdapter {
  readonly kind: 'ldap' | 'ad';
  /** The users with these GUIDs (unknown GUIDs are simply absent). */
  lookup(guids: readonly string[]): Promise<DirectoryUser[]>;
  /** Users whose name, account or UPN starts with `text` (ambiguous name resolution on AD). */
  search(text: string, limit: number): Promise<DirectoryUser[]>;
  close(): Promise<void>;
}

export class DirectoryError extends Error {
  constructor(
    readonly reason: DirectoryFailure,
    message: string,
  ) {
    super(message);
    this.name = 'DirectoryError';
  }
}

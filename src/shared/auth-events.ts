/** Why a login, registration or password check was refused with 429. */
export type BlockReason = 'login' | 'registration' | 'hash_gate';

export const BLOCK_REASONS: readonly BlockReason[] = ['login', 'registration', 'hash_gate'];

/** What the auth layer tells whoever watches it (metrics); app.ts hands an implementation in. */
export interface AuthEvents {
  /** A password check failed: a login, or the old password of a password change. */
  failedLogin(): void;
  blocked(reason: BlockReason): void;
  /** A retired refresh token came back after its grace period: its family was revoked. */
  refreshTokenReused(): void;
}

export const ignoredAuthEvents: AuthEvents = {
  failedLogin: () => {},
  blocked: () => {},
  refreshTokenReused: () => {},
};

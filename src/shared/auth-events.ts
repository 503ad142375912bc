/**
 * Why a login, registration or password check was refused: a limit (429), or `hash_saturated`
 * (503) when a check could not start in time on a saturated instance.
 */
export type BlockReason = 'login' | 'registration' | 'hash_gate' | 'hash_saturated';

export const BLOCK_REASONS: readonly BlockReason[] = [
  'login',
  'registration',
  'hash_gate',
  'hash_saturated',
];

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

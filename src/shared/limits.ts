/**
 * Every field limit of the contract, in one place: the HTTP schemas, the services and the Flask
 * importer all read them from here. Lengths count code points.
 */
export const ROLES = ['user', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Ids are positive and stay exact in a JavaScript number. */
export const MAX_ID = Number.MAX_SAFE_INTEGER;

export const NAME_LENGTH = { min: 1, max: 255 } as const;

export const MOVIE_LIMITS = {
  title: { min: 1, max: 255 },
  description: { max: 5000 },
  trailer: { max: 2048 },
  year: { min: 1888, max: 2100 },
  rating: { min: 0, max: 10 },
} as const;

export const USERNAME_LENGTH = { min: 1, max: 150 } as const;
export const PASSWORD_LENGTH = { min: 8, max: 128 } as const;
export const EMAIL_MAX_LENGTH = 254;
export const PROFILE_TEXT_MAX_LENGTH = 100;

/** What a login or a password check may send: past any valid password, so a wrong one is 401. */
export const CREDENTIAL_MAX_LENGTH = 1024;
/** A token as a body field: past what the verifier takes (auth/tokens), so a longer one is 401. */
export const TOKEN_FIELD_MAX_LENGTH = 4096;

export const isRole = (value: unknown): value is Role => ROLES.some((role) => role === value);
export const isValidId = (value: unknown): value is number =>
  Number.isSafeInteger(value) && (value as number) >= 1 && (value as number) <= MAX_ID;

/** Lengths count code points, as the JSON schemas' minLength and maxLength do. */
export const codePointLength = (text: string): number => [...text].length;

export function lengthProblem(text: string, limit: { min: number; max: number }): string | null {
  const length = codePointLength(text);
  return length < limit.min || length > limit.max
    ? `must be ${limit.min} to ${limit.max} characters long`
    : null;
}

import { Type, type Static } from 'typebox';
import { PASSWORD_LENGTH } from '../shared/limits.js';

const strict = { additionalProperties: false } as const;

/** A password being set; logging in takes any string up to LoginBody's cap. */
export const Password = Type.String({
  minLength: PASSWORD_LENGTH.min,
  maxLength: PASSWORD_LENGTH.max,
});

export const LoginBody = Type.Object(
  { username: Type.String({ maxLength: 1024 }), password: Type.String({ maxLength: 1024 }) },
  strict,
);
export type LoginBody = Static<typeof LoginBody>;

export const RefreshBody = Type.Object({ refresh_token: Type.String({ maxLength: 4096 }) }, strict);
export type RefreshBody = Static<typeof RefreshBody>;

export const TokenPair = Type.Object(
  {
    access_token: Type.String(),
    refresh_token: Type.String(),
    token_type: Type.Literal('bearer'),
    expires_in: Type.Integer({ description: 'Seconds until the access token expires' }),
  },
  { title: 'Tokens' },
);
export type TokenPair = Static<typeof TokenPair>;

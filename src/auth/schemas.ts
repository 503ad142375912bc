import { Type, type Static } from 'typebox';
import {
  CREDENTIAL_MAX_LENGTH,
  PASSWORD_LENGTH,
  TOKEN_FIELD_MAX_LENGTH,
  USERNAME_LENGTH,
} from '../shared/limits.js';

const strict = { additionalProperties: false } as const;

/** A password being set; logging in takes any string up to LoginBody's cap. */
export const Password = Type.String({
  minLength: PASSWORD_LENGTH.min,
  maxLength: PASSWORD_LENGTH.max,
});

export const LoginBody = Type.Object(
  {
    username: Type.String({ maxLength: CREDENTIAL_MAX_LENGTH }),
    password: Type.String({ maxLength: CREDENTIAL_MAX_LENGTH }),
  },
  strict,
);
export type LoginBody = Static<typeof LoginBody>;

export const RefreshBody = Type.Object(
  { refresh_token: Type.String({ maxLength: TOKEN_FIELD_MAX_LENGTH }) },
  strict,
);
export type RefreshBody = Static<typeof RefreshBody>;

/** Registering by email makes the email the username too, so it must fit a username. */
const RegistrationEmail = Type.String({
  format: 'email',
  maxLength: USERNAME_LENGTH.max,
  description: 'Becomes the username as well, so at most as long as a username',
});

export const EmailRegistrationBody = Type.Object(
  { email: RegistrationEmail, password: Password },
  strict,
);

export const EmailLoginBody = Type.Object(
  {
    email: Type.String({ maxLength: CREDENTIAL_MAX_LENGTH }),
    password: Type.String({ maxLength: CREDENTIAL_MAX_LENGTH }),
  },
  strict,
);

/** The movie website sends its (ignored) access token along with the refresh token. */
export const SiteRefreshBody = Type.Object(
  {
    refresh_token: Type.String({ maxLength: TOKEN_FIELD_MAX_LENGTH }),
    access_token: Type.Optional(
      Type.Union([Type.String({ maxLength: TOKEN_FIELD_MAX_LENGTH }), Type.Null()]),
    ),
  },
  strict,
);

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

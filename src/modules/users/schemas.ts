import { Type, type Static, type TSchema } from 'typebox';
import { Password } from '../../auth/schemas.js';
import { Id, StringEnum } from '../../http/schemas.js';
import {
  CREDENTIAL_MAX_LENGTH,
  EMAIL_MAX_LENGTH,
  PROFILE_TEXT_MAX_LENGTH,
  ROLES,
  USERNAME_LENGTH,
} from '../../shared/limits.js';

export const Role = StringEnum([...ROLES]);

export const UserPublic = Type.Object(
  {
    id: Id,
    username: Type.String(),
    role: Role,
    email: Type.Union([Type.String(), Type.Null()]),
    name: Type.String(),
    surname: Type.String(),
    favourite_genre: Type.Union([Id, Type.Null()]),
  },
  { title: 'User' },
);
export type UserPublic = Static<typeof UserPublic>;

const Username = Type.String({
  minLength: USERNAME_LENGTH.min,
  maxLength: USERNAME_LENGTH.max,
  description: 'No leading or trailing white space, no control characters; unique ignoring case',
});
const strict = { additionalProperties: false } as const;

export const Email = Type.String({
  format: 'email',
  maxLength: EMAIL_MAX_LENGTH,
  description: 'Unique ignoring case',
});
const ProfileText = Type.String({ maxLength: PROFILE_TEXT_MAX_LENGTH });
/** The movie website sends the genre id as a string of digits ("4"). */
export const FavouriteGenre = Type.Union([
  Id,
  Type.String({ pattern: '^[1-9][0-9]{0,15}$' }),
  Type.Null(),
]);

/** What a user may change of their own profile (PATCH /user/). */
const ownProfileFields = {
  name: Type.Optional(ProfileText),
  surname: Type.Optional(ProfileText),
  favourite_genre: Type.Optional(FavouriteGenre),
};

/** Fields a user record may carry on PUT/PATCH besides username, password and role. */
const profileFields = {
  email: Type.Optional(Type.Union([Email, Type.Null()])),
  ...ownProfileFields,
};

/** PUT and PATCH of /users/:id take the same fields; only PUT requires the username. */
const userFields = <U extends TSchema>(username: U) => ({
  id: Type.Optional(Id),
  username,
  password: Type.Optional(Password),
  role: Type.Optional(Role),
  ...profileFields,
});

export const UserCreate = Type.Object(
  { username: Username, password: Password, role: Type.Optional(Role) },
  strict,
);
export type UserCreate = Static<typeof UserCreate>;

export const UserReplace = Type.Object(userFields(Username), strict);
export type UserReplace = Static<typeof UserReplace>;

export const UserPatch = Type.Object(userFields(Type.Optional(Username)), strict);
export type UserPatch = Static<typeof UserPatch>;

export const ProfilePatch = Type.Object(ownProfileFields, strict);
export type ProfilePatch = Static<typeof ProfilePatch>;

/** A signed-in user changing their own password: the old one is checked like a login. */
export const PasswordChange = Type.Object(
  { old_password: Type.String({ maxLength: CREDENTIAL_MAX_LENGTH }), new_password: Password },
  strict,
);
export type PasswordChange = Static<typeof PasswordChange>;

import { Type, type Static } from 'typebox';
import { Id, StringEnum } from '../../http/schemas.js';

export const Role = StringEnum(['user', 'admin']);
export type Role = Static<typeof Role>;

export const UserPublic = Type.Object(
  { id: Id, username: Type.String(), role: Role },
  { title: 'User' },
);
export type UserPublic = Static<typeof UserPublic>;

const Username = Type.String({
  minLength: 1,
  maxLength: 150,
  description: 'No leading or trailing white space, no control characters; unique ignoring case',
});
const Password = Type.String({ minLength: 8, maxLength: 128 });
const strict = { additionalProperties: false } as const;

export const UserCreate = Type.Object(
  { username: Username, password: Password, role: Type.Optional(Role) },
  strict,
);
export type UserCreate = Static<typeof UserCreate>;

export const UserReplace = Type.Object(
  {
    id: Type.Optional(Id),
    username: Username,
    password: Type.Optional(Password),
    role: Type.Optional(Role),
  },
  strict,
);
export type UserReplace = Static<typeof UserReplace>;

export const UserPatch = Type.Object(
  {
    id: Type.Optional(Id),
    username: Type.Optional(Username),
    password: Type.Optional(Password),
    role: Type.Optional(Role),
  },
  strict,
);
export type UserPatch = Static<typeof UserPatch>;

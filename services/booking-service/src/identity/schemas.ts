import Type from 'typebox';

/**
 * Request and response schemas of the identity routes. Requests refuse unknown fields
 * (additionalProperties: false); responses are serialised through their schema, so nothing
 * undeclared (a password hash, a private JWK member) can slip out.
 */
const closed = { additionalProperties: false } as const;

const Name = Type.String({ minLength: 1, maxLength: 100, pattern: '\\S' });
const Email = Type.String({ format: 'email', maxLength: 254 });
/** Policy for new passwords. */
const NewPassword = Type.String({ minLength: 8, maxLength: 128 });
/** At login any non-empty password is checked (a policy change must not lock anyone out). */
const Password = Type.String({ minLength: 1, maxLength: 128 });
const Vehicle = Type.Object(
  {
    plate: Type.String({ minLength: 1, maxLength: 20, pattern: '\\S' }),
    model: Type.String({ minLength: 1, maxLength: 100, pattern: '\\S' }),
  },
  closed,
);

export const RegisterUserBody = Type.Object({ name: Name, email: Email, password: NewPassword }, closed);
export const RegisterDriverBody = Type.Object(
  { name: Name, email: Email, password: NewPassword, vehicle: Vehicle },
  closed,
);
export const LoginBody = Type.Object({ email: Email, password: Password }, closed);
export const RefreshBody = Type.Object({ refresh_token: Type.String({ minLength: 1, maxLength: 512 }) }, closed);

const tokenFields = {
  access_token: Type.String(),
  refresh_token: Type.String(),
  token_type: Type.Literal('Bearer'),
  expires_in: Type.Integer(),
};
export const TokenPairReply = Type.Object(tokenFields);
export const UserSessionReply = Type.Object({
  user: Type.Object({ id: Type.String(), name: Type.String(), email: Type.String() }),
  ...tokenFields,
});
export const DriverSessionReply = Type.Object({
  driver: Type.Object({
    id: Type.String(),
    name: Type.String(),
    email: Type.String(),
    vehicle: Type.Object({ plate: Type.String(), model: Type.String() }),
  }),
  ...tokenFields,
});

export const JwksReply = Type.Object({
  keys: Type.Array(
    Type.Object({
      kty: Type.String(),
      crv: Type.String(),
      x: Type.String(),
      kid: Type.String(),
      alg: Type.String(),
      use: Type.String(),
    }),
  ),
});

/** API.md's error body. */
export const ErrorReply = Type.Object({ success: Type.Literal(false), message: Type.String(), code: Type.String() });
